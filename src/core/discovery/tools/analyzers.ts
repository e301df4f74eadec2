import type { FileAnalyzer } from '../types'

/** File analyzers of this area, dispatched by the crawl by base name or extension. */
export const TOOLS_ANALYZERS: readonly FileAnalyzer[] = []
