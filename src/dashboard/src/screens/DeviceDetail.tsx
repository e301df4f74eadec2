import { createColumnHelper } from '@tanstack/react-table'
import { useEffect, useState } from 'react'
import type {
  DashboardAsset,
  DashboardFinding,
  DeviceSummary,
  FindingsPage,
} from '../../../shared/dashboard-api'
import { DataTable } from '../components/DataTable'
import { FindingPane } from '../components/FindingPane'
import { findingKey, FindingsTable } from '../components/FindingsTable'
import { ErrorLine, Loading, Mono, PageHead, SeverityCountsView, When } from '../components/common'
import { fleet, qs } from '../lib/api'
import { exact, KIND_LABEL } from '../lib/format'
import type { Route } from '../lib/router'
import { href } from '../lib/router'
import { useLoad } from '../lib/use-load'

const col = createColumnHelper<DashboardAsset>()
const ASSET_COLUMNS = [
  col.accessor('kind', { header: 'Kind', cell: (c) => KIND_LABEL[c.getValue()] ?? c.getValue() }),
  col.accessor('name', {
    header: 'Name',
    cell: (c) => c.getValue() ?? <span className="muted">—</span>,
  }),
  col.accessor('path', { header: 'Path', cell: (c) => <Mono text={c.getValue()} max={48} /> }),
  col.display({
    id: 'id',
    header: 'SHA-256 / fingerprint',
    cell: (c) => <Mono text={c.row.original.sha256 ?? c.row.original.fingerprint} max={20} />,
  }),
  col.accessor('updatedAt', { header: 'Updated', cell: (c) => <When iso={c.getValue()} /> }),
]

type Data = { device: DeviceSummary; findings: FindingsPage; kinds: Record<string, number> }

/** One device: its facts, open findings (with the finding pane), and its inventory. */
export function DeviceDetail({
  id,
  route,
  canAdmin,
}: {
  id: string
  route: Route
  canAdmin: boolean
}) {
  const focusAsset = route.query.get('asset') ?? undefined
  const [kind, setKind] = useState('')
  const [sel, setSel] = useState<DashboardFinding | undefined>()
  const [pages, setPages] = useState<string[]>([])
  const [msg, setMsg] = useState<unknown>(null)
  const { data, error, reload } = useLoad<Data>(
    async () => ({
      device: (await fleet.get<{ device: DeviceSummary }>(`/devices/${id}`)).device,
      findings: await fleet.get<FindingsPage>(
        `/findings${qs({ device: id, status: 'all', limit: 200 })}`,
      ),
      kinds:
        (
          await fleet.get<{ kinds: Record<string, Record<string, number>> }>(
            `/device-kinds?ids=${id}`,
          )
        ).kinds[id] ?? {},
    }),
    id,
  )
  const cursor = pages[pages.length - 1]
  const assets = useLoad(
    () =>
      fleet.get<{ assets: DashboardAsset[]; next?: string }>(
        `/devices/${id}/assets${qs({ kind, after: cursor, limit: 200 })}`,
      ),
    `${id}|${kind}|${cursor ?? ''}`,
  )
  useEffect(() => {
    if (!focusAsset || !assets.data) return
    document.getElementById(`asset-${focusAsset}`)?.scrollIntoView({ block: 'center' })
  }, [focusAsset, assets.data])
  if (error) return <ErrorLine error={error} />
  if (!data) return <Loading />
  const d = data.device
  const revoke = async () => {
    if (
      !window.confirm(`Revoke ${d.hostname}? Its next sync is refused until it is enrolled again.`)
    )
      return
    try {
      await fleet.post(`/devices/${id}/revoke`)
      reload()
    } catch (e) {
      setMsg(e)
    }
  }
  // Fresh data for the selected finding after a reload (an accepted risk), else the one picked.
  const chosen =
    sel && (data.findings.findings.find((f) => findingKey(f) === findingKey(sel)) ?? sel)
  const focused = assets.data?.assets.find((a) => a.key === focusAsset)
  return (
    <>
      <PageHead
        title={d.hostname}
        sub={
          <>
            {d.user} · {d.team}
            {d.revokedAt ? (
              <>
                {' '}
                <span className="tag danger" data-testid="revoked">
                  Revoked <When iso={d.revokedAt} />
                </span>
              </>
            ) : null}
          </>
        }
        actions={
          canAdmin && !d.revokedAt ? (
            <button className="danger" onClick={() => void revoke()}>
              Revoke device
            </button>
          ) : null
        }
      />
      <ErrorLine error={msg} />
      <div className="split two">
        <div className="card">
          <h2>Device</h2>
          <dl className="facts">
            <dt>Last seen</dt>
            <dd>
              <When iso={d.lastSeenAt} /> <span className="muted">({exact(d.lastSeenAt)})</span>
            </dd>
            <dt>OS</dt>
            <dd>
              {d.platform} {d.osRelease} ({d.arch})
            </dd>
            <dt>App version</dt>
            <dd>{d.appVersion}</dd>
            <dt>Enrolled</dt>
            <dd>
              <When iso={d.enrolledAt} />
            </dd>
            <dt>Open findings</dt>
            <dd>
              <SeverityCountsView counts={d.openFindings} />
            </dd>
            {d.cloneOf ? (
              <>
                <dt>Possible clone of</dt>
                <dd>
                  <a href={href(`/devices/${d.cloneOf}`)}>{d.cloneOf}</a> — {d.cloneReason}
                </dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="card">
          <h2>{d.assets} assets</h2>
          <div className="grid">
            {Object.entries(data.kinds).map(([k, n]) => (
              <button
                key={k}
                className="stat"
                aria-pressed={kind === k}
                onClick={() => {
                  setKind(kind === k ? '' : k)
                  setPages([])
                }}
              >
                <span className="n">{n}</span>
                <span className="k">{KIND_LABEL[k] ?? k}</span>
              </button>
            ))}
          </div>
        </div>
      </div>
      <h2 className="section-title">Findings</h2>
      <div className="split">
        <FindingsTable
          rows={data.findings.findings}
          selected={sel ? findingKey(sel) : undefined}
          onOpen={setSel}
          showDevice={false}
        />
        {chosen ? (
          <FindingPane finding={chosen} canAdmin={canAdmin} onChanged={reload} />
        ) : (
          <aside className="card pane muted">Select a finding to see its evidence.</aside>
        )}
      </div>
      <h2 className="section-title">Inventory{kind ? `: ${KIND_LABEL[kind] ?? kind}` : ''}</h2>
      {focused ? (
        <div className="notice" data-testid="focused-asset">
          <strong>{focused.name ?? focused.key}</strong> <Mono text={focused.path} max={80} />
          {focused.sha256 ? <div className="mono">sha256 {focused.sha256}</div> : null}
          {focused.fingerprint ? (
            <div className="mono">fingerprint {focused.fingerprint}</div>
          ) : null}
        </div>
      ) : null}
      <ErrorLine error={assets.error} />
      {assets.data ? (
        <>
          <DataTable
            label="Inventory"
            testId="assets-table"
            rows={assets.data.assets}
            columns={ASSET_COLUMNS}
            rowKey={(a) => a.key}
            rowIdPrefix="asset-"
            selected={focusAsset}
            empty="No assets reported."
          />
          <div className="row-actions">
            {pages.length ? (
              <button onClick={() => setPages(pages.slice(0, -1))}>Previous page</button>
            ) : null}
            {assets.data.next ? (
              <button onClick={() => setPages([...pages, assets.data!.next!])}>Next page</button>
            ) : null}
          </div>
        </>
      ) : (
        <Loading />
      )}
    </>
  )
}
