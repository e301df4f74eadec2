import { useState } from 'react'
import type { FormEvent } from 'react'
import type { DashboardFinding } from '../../../shared/dashboard-api'
import { fleet } from '../lib/api'
import { href } from '../lib/router'
import { ErrorLine, Mono, SeverityBadge, When } from './common'

function StatusTag({ f }: { f: DashboardFinding }) {
  if (f.status === 'accepted')
    return (
      <span className="tag accent">
        Accepted{f.acceptedSource === 'device' ? ' on laptop' : ' on server'}
      </span>
    )
  if (f.status === 'resolved') return <span className="tag ok">Resolved</span>
  return <span className="tag">Open</span>
}
export { StatusTag }

/**
 * A finding's evidence (what was seen, where), why, and for admins the accepted-risk form: the
 * note and expiry go to the device in its config on its next sync.
 */
export function FindingPane({
  finding: f,
  canAdmin,
  onChanged,
}: {
  finding: DashboardFinding
  canAdmin: boolean
  onChanged: () => void
}) {
  const [note, setNote] = useState('')
  const [days, setDays] = useState('90')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const act = async (run: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await run()
      setNote('')
      onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const accept = (e: FormEvent) => {
    e.preventDefault()
    const n = Number(days)
    void act(() =>
      fleet.post('/findings/accept', {
        deviceId: f.deviceId,
        findingKey: f.key,
        note,
        ...(n > 0 ? { expiresAt: new Date(Date.now() + n * 86400_000).toISOString() } : {}),
      }),
    )
  }
  return (
    <aside className="card pane" aria-label="Finding detail" data-testid="finding-pane">
      <div className="pane-head">
        <SeverityBadge severity={f.severity} />
        <StatusTag f={f} />
      </div>
      <h3>{f.title}</h3>
      <dl className="facts">
        <dt>Device</dt>
        <dd>
          <a href={href(`/devices/${f.deviceId}`)}>{f.hostname}</a>
        </dd>
        <dt>File</dt>
        <dd>
          <Mono text={f.path} max={44} />
        </dd>
        {Object.entries(f.evidence).map(([k, v]) => (
          <Fact key={k} k={k} v={String(v)} />
        ))}
        <dt>Rule</dt>
        <dd className="mono">{f.ruleId}</dd>
        <dt>First seen</dt>
        <dd>
          <When iso={f.firstSeenAt} />
        </dd>
      </dl>
      {f.message ? (
        <section>
          <strong>What was seen</strong>
          <p className="prose">{f.message}</p>
        </section>
      ) : null}
      {f.acceptedRisk ? (
        <section data-testid="server-acceptance">
          <strong>Risk accepted on the server</strong> by {f.acceptedRisk.acceptedBy}{' '}
          <When iso={f.acceptedRisk.acceptedAt} />
          <Until iso={f.acceptedRisk.expiresAt} />
          <p className="prose">{f.acceptedRisk.note}</p>
          <p className="muted small">Sent to the laptop in its config; shown there as accepted.</p>
          {canAdmin ? (
            <button
              disabled={busy}
              onClick={() =>
                void act(() =>
                  fleet.post('/findings/unaccept', { deviceId: f.deviceId, findingKey: f.key }),
                )
              }
            >
              Reopen
            </button>
          ) : null}
        </section>
      ) : null}
      {f.deviceAcceptance ? (
        <section data-testid="device-acceptance">
          <strong>
            {lapsed(f.deviceAcceptance.expiresAt)
              ? 'Accepted on the laptop (expired)'
              : 'Risk accepted on the laptop'}
          </strong>{' '}
          by {f.deviceAcceptance.acceptedBy || "the laptop's user"}{' '}
          <When iso={f.deviceAcceptance.acceptedAt} />
          <Until iso={f.deviceAcceptance.expiresAt} />
          <p className="prose">{f.deviceAcceptance.note}</p>
          <p className="muted small">Set on the laptop: only its user can reopen it there.</p>
        </section>
      ) : null}
      {canAdmin && f.status === 'open' ? (
        <section>
          <form onSubmit={accept} aria-label="Accept risk">
            <strong>Accept risk</strong>
            <label>
              Why this is acceptable
              <textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                required
                maxLength={2000}
                rows={3}
              />
            </label>
            <label>
              Expires after
              <select value={days} onChange={(e) => setDays(e.target.value)}>
                <option value="30">30 days</option>
                <option value="90">90 days</option>
                <option value="365">1 year</option>
                <option value="0">Never</option>
              </select>
            </label>
            <button className="primary" type="submit" disabled={busy || !note.trim()}>
              Accept risk
            </button>
            <span className="muted small">The device receives this on its next sync.</span>
          </form>
        </section>
      ) : null}
      <ErrorLine error={error} />
    </aside>
  )
}

/** ", until 2027-03-01" for an acceptance with an expiry. */
function Until({ iso }: { iso: string | undefined }) {
  if (!iso) return null
  return (
    <>
      , until <span title={iso}>{iso.slice(0, 10)}</span>
    </>
  )
}

const lapsed = (iso: string | undefined): boolean =>
  iso !== undefined && Date.parse(iso) <= Date.now()

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k[0]!.toUpperCase() + k.slice(1)}</dt>
      <dd className="mono">{v}</dd>
    </>
  )
}
