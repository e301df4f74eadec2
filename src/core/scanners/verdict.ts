import type { Severity, Verdict } from '../types'

/**
 * malicious: any critical/high finding (even when the file is also malformed: a truncated
 * malicious pickle stays malicious). invalid: could not be fully parsed. suspicious: medium/low
 * findings only. safe: nothing above info.
 */
export function verdictOf(severities: readonly Severity[], invalid: boolean): Verdict {
  if (severities.some((s) => s === 'critical' || s === 'high')) return 'malicious'
  if (invalid) return 'invalid'
  if (severities.some((s) => s === 'medium' || s === 'low')) return 'suspicious'
  return 'safe'
}
