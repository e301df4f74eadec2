import type { DevicesPage, FindingGroup, SeverityCounts } from '../../../shared/dashboard-api'
import { SEVERITY_ORDER } from '../../../shared/dashboard-api'
import { ErrorLine, Loading, PageHead, SeverityBadge, When } from '../components/common'
import { fleet } from '../lib/api'
import { href } from '../lib/router'
import { useLoad } from '../lib/use-load'

type Data = { groups: FindingGroup[]; devices: DevicesPage; loadedAt: number }

/** One glance: is the fleet OK, what needs attention first, then the counts. */
export function Overview() {
  const { data, error } = useLoad<Data>(
    async () => ({
      groups: (await fleet.get<{ groups: FindingGroup[] }>('/findings/by-rule')).groups,
      devices: await fleet.get<DevicesPage>('/devices?limit=500'),
      loadedAt: Date.now(),
    }),
    'overview',
  )
  if (error) return <ErrorLine error={error} />
  if (!data) return <Loading />
  const totals: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 }
  for (const g of data.groups) totals[g.severity] = (totals[g.severity] ?? 0) + g.findings
  const devices = data.devices.devices
  const active = devices.filter((d) => !d.revokedAt)
  const urgent = (totals.critical ?? 0) + (totals.high ?? 0)
  const affected = active.filter((d) => d.openFindings.critical + d.openFindings.high > 0)
  const stale = active.filter((d) => data.loadedAt - Date.parse(d.lastSeenAt) > 7 * 86400_000)
  return (
    <>
      <PageHead title="Overview" sub={`${active.length} devices reporting`} />
      <div
        className={`card status-banner ${urgent ? 'status-alert' : 'status-ok'}`}
        data-testid="fleet-status"
      >
        <span className="dot" aria-hidden="true" />
        {urgent
          ? `${urgent} critical or high findings on ${affected.length} of ${active.length} devices need attention`
          : active.length
            ? 'All clear: no critical or high findings open'
            : 'No device has synced yet'}
      </div>
      <div className="card">
        <h2>Open findings by severity</h2>
        <div className="grid">
          {SEVERITY_ORDER.map((s) => (
            <a
              key={s}
              className="stat"
              href={href('/findings', { severity: s })}
              data-testid={`total-${s}`}
            >
              <span className="n">{totals[s as keyof SeverityCounts] ?? 0}</span>
              <span className="k">
                <span className={`sev-dot dot-${s}`} aria-hidden="true" />
                {s[0]!.toUpperCase() + s.slice(1)}
              </span>
            </a>
          ))}
        </div>
      </div>
      <div className="split two">
        <div className="card">
          <h2>Rules with open findings</h2>
          {data.groups.length === 0 ? (
            <div className="empty">Nothing open.</div>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Rule</th>
                  <th className="num">Findings</th>
                  <th className="num">Devices</th>
                </tr>
              </thead>
              <tbody>
                {data.groups.slice(0, 10).map((g) => (
                  <tr key={`${g.ruleId}/${g.severity}`}>
                    <td>
                      <SeverityBadge severity={g.severity} />
                    </td>
                    <td>
                      <a className="mono" href={href('/findings', { rule: g.ruleId })}>
                        {g.ruleId}
                      </a>
                    </td>
                    <td className="num">{g.findings}</td>
                    <td className="num">{g.devices}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="card">
          <h2>Devices needing attention</h2>
          {affected.length === 0 && stale.length === 0 ? (
            <div className="empty">None.</div>
          ) : (
            <table>
              <tbody>
                {affected.slice(0, 8).map((d) => (
                  <tr key={d.id}>
                    <td>
                      <a href={href(`/devices/${d.id}`)}>{d.hostname}</a>
                    </td>
                    <td>
                      {d.openFindings.critical} critical, {d.openFindings.high} high
                    </td>
                  </tr>
                ))}
                {stale.slice(0, 4).map((d) => (
                  <tr key={`stale-${d.id}`}>
                    <td>
                      <a href={href(`/devices/${d.id}`)}>{d.hostname}</a>
                    </td>
                    <td>
                      not seen since <When iso={d.lastSeenAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  )
}
