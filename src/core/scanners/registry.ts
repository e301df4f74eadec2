import { PICKLE_FAMILY_SCANNERS } from './pickle-family'
import { STRUCTURED_SCANNERS } from './structured'
import type { FormatScanner } from './types'

/**
 * The ordered scanner registry. Order matters: formats with exact magic numbers first, then
 * containers (zip/tar, which hand members back through `scanNested`), then the pickle fallback.
 */
export const SCANNERS: readonly FormatScanner[] = [
  ...STRUCTURED_SCANNERS,
  ...PICKLE_FAMILY_SCANNERS,
]
