import type { FormatScanner } from './types'

/**
 * Pickle-family scanners in registry order: containers and specific formats before the raw
 * pickle fallback. Filled by the pickle issue.
 */
export const PICKLE_FAMILY_SCANNERS: readonly FormatScanner[] = []
