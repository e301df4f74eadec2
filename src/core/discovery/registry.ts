import { FILE_ANALYZERS } from './analyzers'
import { STORE_LOCATORS } from './stores'
import { SYSTEM_LOCATORS } from './system'
import { TOOL_LOCATORS } from './tools'
import type { FileAnalyzer, Locator } from './types'

/** Every locator in the order they run: stores first (they claim directories the crawl then skips). */
export const LOCATORS: readonly Locator[] = [
  ...STORE_LOCATORS,
  ...TOOL_LOCATORS,
  ...SYSTEM_LOCATORS,
]

export { FILE_ANALYZERS }
export type { FileAnalyzer, Locator }
