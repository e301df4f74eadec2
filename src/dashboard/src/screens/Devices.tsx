import { createColumnHelper } from '@tanstack/react-table'
import { useState } from 'react'
import type { DeviceSummary, DevicesPage } from '../../../shared/dashboard-api'
import { DataTable } from '../components/DataTable'
import { ErrorLine, Loading, PageHead, SeverityCountsView, When } from '../components/common'
import { fleet, qs } from '../lib/api'
import { KIND_LABEL } from '../lib/format'
import { navigate } from '../lib/router'
import { useLoad } from '../lib/use-load'

type Row = DeviceSummary & { kinds: Record<string, number> }
const col = createColumnHelper<Row>()

function kindsText(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${n} ${KIND_LABEL[k] ?? k}`)
    .join(' · ')
}

const COLUMNS = [
  col.accessor('hostname', {
    header: 'Device',
    cell: (c) => (
      <span>
        <strong>{c.getValue()}</strong> <span className="muted">{c.row.original.user}</span>
        {c.row.original.revokedAt ? <span className="tag danger">Revoked</span> : null}
        {c.row.original.cloneOf ? (
          <span className="tag accent" title={c.row.original.cloneReason ?? ''}>
            Possible clone
          </span>
        ) : null}
      </span>
    ),
  }),
  col.accessor('team', { header: 'Team' }),
  col.accessor('lastSeenAt', { header: 'Last seen', cell: (c) => <When iso={c.getValue()} /> }),
  col.accessor('platform', {
    header: 'OS',
    cell: (c) => (
      <span title={`${c.getValue()} ${c.row.original.osRelease} (${c.row.original.arch})`}>
        {c.getValue()} <span className="muted">{c.row.original.arch}</span>
      </span>
    ),
  }),
  col.accessor('appVersion', { header: 'App' }),
  col.accessor('kinds', {
    header: 'Assets',
    cell: (c) => (
      <span title={kindsText(c.getValue())}>
        {c.row.original.assets} <span className="muted">{kindsText(c.getValue())}</span>
      </span>
    ),
  }),
  col.accessor('openFindings', {
    header: 'Open findings',
    cell: (c) => <SeverityCountsView counts={c.getValue()} />,
  }),
]

/** Every device: last seen, OS, app version, assets by kind, open findings by severity. */
export function Devices() {
  const [host, setHost] = useState('')
  const [after, setAfter] = useState<string | undefined>()
  const { data, error } = useLoad(
    async () => {
      const page = await fleet.get<DevicesPage>(
        `/devices${qs({ hostname: host.trim(), after, limit: 100 })}`,
      )
      const ids = page.devices.map((d) => d.id)
      const kinds = ids.length
        ? (
            await fleet.get<{ kinds: Record<string, Record<string, number>> }>(
              `/device-kinds?ids=${ids.join(',')}`,
            )
          ).kinds
        : {}
      return {
        rows: page.devices.map((d) => ({ ...d, kinds: kinds[d.id] ?? {} })),
        next: page.next,
      }
    },
    `${host}|${after ?? ''}`,
  )
  return (
    <>
      <PageHead
        actions={
          <>
            <a className="button" href="/api/fleet/v1/export?format=csv" download>
              Export CSV
            </a>
            <a className="button" href="/api/fleet/v1/export?format=cyclonedx" download>
              Export CycloneDX
            </a>
          </>
        }
        title="Devices"
        sub={data ? `${data.rows.length}${data.next ? '+' : ''} shown` : undefined}
      />
      <div className="filters">
        <label>
          Host name starts with
          <input
            value={host}
            onChange={(e) => {
              setHost(e.target.value)
              setAfter(undefined)
            }}
            placeholder="alice-"
          />
        </label>
      </div>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <DataTable
            label="Devices"
            testId="devices-table"
            rows={data.rows}
            columns={COLUMNS}
            rowKey={(d) => d.id}
            onOpen={(d) => navigate(`/devices/${d.id}`)}
            empty="No device has enrolled yet. Create an enroll secret, then run aiscout sync on a laptop."
          />
          {data.next ? <button onClick={() => setAfter(data.next)}>Next page</button> : null}
        </>
      )}
    </>
  )
}
