import type { FileAnalyzer } from '../types'

/** File analyzers of this area, dispatched by the crawl by base name or extension. */
export const SYSTEM_ANALYZERS: readonly FileAnalyzer[] = []
