import type { FormatScanner } from '../types'

/**
 * Structured-format scanners (no pickle inside): tried before the pickle family because their
 * magic numbers are exact. Filled by the structured-formats issue.
 */
export const STRUCTURED_SCANNERS: readonly FormatScanner[] = []
