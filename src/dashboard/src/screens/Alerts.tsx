import type { AlertDelivery, NotifierInfo } from '../../../shared/dashboard-api'
import { ErrorLine, Loading, PageHead, When } from '../components/common'
import { fleet } from '../lib/api'
import { useLoad } from '../lib/use-load'

type Data = { enabled: boolean; notifiers: NotifierInfo[]; deliveries: AlertDelivery[] }

/** Where alerts go (targets without their secrets) and every delivery with its outcome (admin). */
export function Alerts() {
  const { data, error } = useLoad(() => fleet.get<Data>('/alerts'), 'alerts')
  return (
    <>
      <PageHead
        title="Alerts"
        sub="New critical and high findings, one message per rule and window"
      />
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <div className="card">
            <h2>Notifiers</h2>
            {!data.enabled ? (
              <div className="muted">
                Alerting is off. Start the server with <span className="mono">--alerts FILE</span>{' '}
                (see docs/dashboard.md).
              </div>
            ) : (
              <table aria-label="Notifiers">
                <tbody>
                  {data.notifiers.map((n) => (
                    <tr key={n.name}>
                      <td>
                        <strong>{n.name}</strong>
                      </td>
                      <td>
                        {n.kind === 'slack'
                          ? 'Slack incoming webhook'
                          : 'Signed webhook (Standard Webhooks)'}
                      </td>
                      <td className="mono">{n.target}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div className="table-wrap">
            <table aria-label="Deliveries" data-testid="deliveries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Notifier</th>
                  <th>Rule</th>
                  <th className="num">Findings</th>
                  <th>Outcome</th>
                  <th className="num">Attempts</th>
                  <th>Last answer</th>
                </tr>
              </thead>
              <tbody>
                {data.deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <When iso={d.createdAt} />
                    </td>
                    <td>{d.notifier}</td>
                    <td className="mono">{d.ruleId}</td>
                    <td className="num">{d.findings}</td>
                    <td>
                      <span
                        className={`tag ${d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'danger' : ''}`}
                      >
                        {d.status[0]!.toUpperCase() + d.status.slice(1)}
                      </span>
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td>{d.error ?? (d.httpStatus ? `HTTP ${d.httpStatus}` : '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.deliveries.length === 0 ? <div className="empty">Nothing sent yet.</div> : null}
          </div>
        </>
      )}
    </>
  )
}
