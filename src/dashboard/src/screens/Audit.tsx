import type { AuditEntry } from '../../../shared/dashboard-api'
import { ErrorLine, Loading, Mono, PageHead, When } from '../components/common'
import { fleet } from '../lib/api'
import { useLoad } from '../lib/use-load'

/** Who did what on the server (admin). */
export function Audit() {
  const { data, error } = useLoad(
    async () => (await fleet.get<{ entries: AuditEntry[] }>('/audit?limit=200')).entries,
    'audit',
  )
  return (
    <>
      <PageHead
        title="Audit log"
        sub="Sign-ins, revocations, secrets, accepted risks and settings"
      />
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table aria-label="Audit log" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Details</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <When iso={e.at} />
                  </td>
                  <td>
                    {e.actor} <span className="muted small">{e.actorKind}</span>
                  </td>
                  <td>{e.action}</td>
                  <td>
                    <Mono text={e.target} max={48} />
                  </td>
                  <td className="small wrap">
                    {Object.entries(e.detail)
                      .filter(([, v]) => v !== null)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join('; ')}
                  </td>
                  <td className="mono">{e.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.length === 0 ? <div className="empty">Nothing recorded yet.</div> : null}
        </div>
      )}
    </>
  )
}
