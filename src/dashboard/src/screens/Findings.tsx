import { useState } from 'react'
import type {
  DashboardFinding,
  FindingStatusFilter,
  FindingsPage,
} from '../../../shared/dashboard-api'
import { FINDING_STATUS_FILTERS, SEVERITY_ORDER } from '../../../shared/dashboard-api'
import { FindingPane } from '../components/FindingPane'
import { findingKey, FindingsTable } from '../components/FindingsTable'
import { ErrorLine, Loading, PageHead } from '../components/common'
import { fleet, qs } from '../lib/api'
import type { Route } from '../lib/router'
import { navigate } from '../lib/router'
import { useLoad } from '../lib/use-load'

/** Findings across the fleet, filtered by severity, rule, device and status; a pane beside. */
export function Findings({ route, canAdmin }: { route: Route; canAdmin: boolean }) {
  const severity = route.query.get('severity') ?? ''
  const rule = route.query.get('rule') ?? ''
  const device = route.query.get('device') ?? ''
  const status = (route.query.get('status') ?? 'open') as FindingStatusFilter
  // Where the risk was accepted (server or device); only meaningful with accepted findings.
  const source = status === 'accepted' || status === 'all' ? (route.query.get('source') ?? '') : ''
  const [after, setAfter] = useState<string[]>([])
  // The selected finding is kept as data: accepting its risk moves it out of the Open list, and
  // the pane still shows it (fetched again) with the acceptance.
  const [chosen, setChosen] = useState<DashboardFinding | undefined>()
  const cursor = after[after.length - 1]
  const { data, error, reload } = useLoad(
    () =>
      fleet.get<FindingsPage>(
        `/findings${qs({ severity, rule, device, status, source, after: cursor, limit: 100 })}`,
      ),
    `${severity}|${rule}|${device}|${status}|${source}|${cursor ?? ''}`,
  )
  const set = (k: string, v: string) => {
    const q: Record<string, string> = { severity, rule, device, status, source }
    q[k] = v
    setAfter([])
    navigate('/findings', q)
  }
  const changed = async (f: DashboardFinding) => {
    reload()
    const all = await fleet.get<FindingsPage>(
      `/findings${qs({ device: f.deviceId, status: 'all', limit: 500 })}`,
    )
    setChosen(all.findings.find((x) => x.key === f.key))
  }
  return (
    <>
      <PageHead
        title="Findings"
        sub={data ? `${data.findings.length}${data.next ? '+' : ''} shown` : undefined}
      />
      <div className="filters" role="search">
        <label>
          Severity
          <select
            value={severity}
            onChange={(e) => set('severity', e.target.value)}
            aria-label="Severity"
          >
            <option value="">Any</option>
            <option value="critical,high">Critical and high</option>
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => set('status', e.target.value)}
            aria-label="Status"
          >
            {FINDING_STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        {status === 'accepted' || status === 'all' ? (
          <label>
            Accepted
            <select
              value={source}
              onChange={(e) => set('source', e.target.value)}
              aria-label="Accepted where"
            >
              <option value="">Anywhere</option>
              <option value="server">On the server</option>
              <option value="device">On the laptop</option>
            </select>
          </label>
        ) : null}
        <label>
          Rule
          <input
            defaultValue={rule}
            placeholder="pickle.dangerous-callable"
            onKeyDown={(e) =>
              e.key === 'Enter' && set('rule', (e.target as HTMLInputElement).value.trim())
            }
          />
        </label>
        {device ? <button onClick={() => set('device', '')}>Any device</button> : null}
      </div>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <div className="split">
          <div>
            <FindingsTable
              rows={data.findings}
              selected={chosen ? findingKey(chosen) : undefined}
              onOpen={setChosen}
            />
            <div className="row-actions">
              {after.length ? (
                <button onClick={() => setAfter(after.slice(0, -1))}>Previous page</button>
              ) : null}
              {data.next ? (
                <button onClick={() => setAfter([...after, data.next!])}>Next page</button>
              ) : null}
            </div>
          </div>
          {chosen ? (
            <FindingPane
              key={findingKey(chosen)}
              finding={chosen}
              canAdmin={canAdmin}
              onChanged={() => void changed(chosen)}
            />
          ) : (
            <aside className="card pane muted">Select a finding to see its evidence.</aside>
          )}
        </div>
      )}
    </>
  )
}
