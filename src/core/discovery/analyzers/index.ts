import { STORES_ANALYZERS } from '../stores/analyzers'
import { SYSTEM_ANALYZERS } from '../system/analyzers'
import { TOOLS_ANALYZERS } from '../tools/analyzers'
import type { FileAnalyzer } from '../types'
import { NOTEBOOK_ANALYZER } from './notebook'

/** File analyzers the crawl dispatches to by name or extension, in a fixed order. */
export const FILE_ANALYZERS: readonly FileAnalyzer[] = [
  NOTEBOOK_ANALYZER,
  ...STORES_ANALYZERS,
  ...TOOLS_ANALYZERS,
  ...SYSTEM_ANALYZERS,
]
