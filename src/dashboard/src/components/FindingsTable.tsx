import { createColumnHelper } from '@tanstack/react-table'
import type { DashboardFinding } from '../../../shared/dashboard-api'
import { DataTable } from './DataTable'
import { StatusTag } from './FindingPane'
import { Mono, SeverityBadge } from './common'

const col = createColumnHelper<DashboardFinding>()

export const findingKey = (f: DashboardFinding) => `${f.deviceId}/${f.key}`

export function FindingsTable({
  rows,
  selected,
  onOpen,
  showDevice = true,
}: {
  rows: readonly DashboardFinding[]
  selected?: string
  onOpen: (f: DashboardFinding) => void
  showDevice?: boolean
}) {
  const columns = [
    col.accessor('severity', {
      header: 'Severity',
      cell: (c) => <SeverityBadge severity={c.getValue()} />,
    }),
    col.accessor('title', { header: 'Finding', meta: { wrap: true } }),
    ...(showDevice ? [col.accessor('hostname', { header: 'Device' })] : []),
    col.accessor('path', { header: 'Where', cell: (c) => <Mono text={c.getValue()} max={26} /> }),
    col.accessor('status', { header: 'Status', cell: (c) => <StatusTag f={c.row.original} /> }),
  ]
  return (
    <DataTable
      label="Findings"
      testId="findings-table"
      rows={rows}
      columns={columns}
      rowKey={findingKey}
      rowIdPrefix="finding-"
      selected={selected}
      onOpen={onOpen}
      empty="No findings match."
    />
  )
}
