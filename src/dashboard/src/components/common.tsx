import type { ReactNode } from 'react'
import { SEVERITY_ORDER } from '../../../shared/dashboard-api'
import type { SeverityCounts } from '../../../shared/dashboard-api'
import { ago, exact, middle } from '../lib/format'

const LABEL: Readonly<Record<string, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
}

/** Severity as a dot in its colour plus its name: never colour alone. */
export function SeverityBadge({ severity }: { severity: string }) {
  const s = LABEL[severity] ? severity : 'info'
  return (
    <span className={`sev-badge sev-${s}`}>
      <span className="sev-dot" aria-hidden="true" />
      {LABEL[s]}
    </span>
  )
}

/** Open findings by severity, the zero ones left out; each with its name for screen readers. */
export function SeverityCountsView({ counts }: { counts: SeverityCounts }) {
  const shown = SEVERITY_ORDER.filter((s) => counts[s] > 0)
  if (!shown.length) return <span className="tag ok">None open</span>
  return (
    <span className="sev-counts">
      {shown.map((s) => (
        <span key={s} className="sev-count" title={`${counts[s]} ${s}`}>
          <span className={`sev-dot dot-${s}`} aria-hidden="true" />
          {counts[s]}
          <span className="muted">{LABEL[s]!.toLowerCase()}</span>
        </span>
      ))}
    </span>
  )
}

export function When({ iso }: { iso: string | null | undefined }) {
  return <span title={exact(iso)}>{ago(iso)}</span>
}

/** A path or hash in monospace, shortened in the middle, the whole value on hover. */
export function Mono({ text, max }: { text: string | null | undefined; max?: number }) {
  if (!text) return <span className="muted">—</span>
  return (
    <span className="mono" title={text}>
      {middle(text, max)}
    </span>
  )
}

export function PageHead({
  title,
  sub,
  actions,
}: {
  title: string
  sub?: ReactNode
  actions?: ReactNode
}) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      {sub ? <span className="muted">{sub}</span> : null}
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  )
}

export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null
  return (
    <div className="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </div>
  )
}

export function Loading() {
  return <div className="empty">Loading…</div>
}
