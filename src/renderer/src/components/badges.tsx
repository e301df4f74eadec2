import type { Severity, Verdict } from '../../../shared/types'
import type { FindingState } from '../../../shared/ipc'

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
}

/** Severity as a dot in its colour plus its name: never colour alone. */
export function SeverityBadge({ severity, compact }: { severity: Severity; compact?: boolean }) {
  return (
    <span className={`sev-badge sev-${severity}${compact ? ' compact' : ''}`}>
      <span className="sev-dot" aria-hidden="true" />
      {SEVERITY_LABEL[severity]}
    </span>
  )
}

const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  malicious: 'Malicious',
  suspicious: 'Suspicious',
  invalid: 'Invalid',
  safe: 'Safe',
}
const VERDICT_TONE: Readonly<Record<Verdict, string>> = {
  malicious: 'critical',
  suspicious: 'medium',
  invalid: 'info',
  safe: 'ok',
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return <span className={`tag tone-${VERDICT_TONE[verdict]}`}>{VERDICT_LABEL[verdict]}</span>
}

export function StateBadge({ state }: { state: FindingState }) {
  switch (state) {
    case 'open':
      return <span className="tag tone-neutral">Open</span>
    case 'accepted':
      return <span className="tag tone-accent">Accepted</span>
    case 'resolved':
      return <span className="tag tone-ok">Resolved</span>
  }
}
