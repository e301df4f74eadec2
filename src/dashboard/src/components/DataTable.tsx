import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import type { ColumnDef } from '@tanstack/react-table'

/**
 * A headless TanStack table rendered as a plain, keyboard-reachable table: a row with `onOpen`
 * opens on click or Enter. Rows come a page at a time from the server (keyset paging), so the
 * table never holds the whole fleet.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  onOpen,
  selected,
  empty,
  label,
  testId,
  rowIdPrefix,
}: {
  rows: readonly T[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack column value types vary per column
  columns: ColumnDef<T, any>[]
  rowKey: (row: T) => string
  onOpen?: (row: T) => void
  selected?: string
  empty: string
  label: string
  testId?: string
  /** Gives each row an element id (prefix + row key), for links that scroll to a row. */
  rowIdPrefix?: string
}) {
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns new functions each render; this component is not memoised, so nothing goes stale.
  const table = useReactTable({
    data: rows as T[],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowKey,
  })
  return (
    <div className="table-wrap">
      <table aria-label={label} data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} className={cellClass(h.column.columnDef.meta)}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr
              key={r.id}
              id={rowIdPrefix ? `${rowIdPrefix}${r.id}` : undefined}
              className={onOpen ? 'clickable' : undefined}
              tabIndex={onOpen ? 0 : undefined}
              aria-selected={selected === r.id ? true : undefined}
              onClick={onOpen ? () => onOpen(r.original) : undefined}
              onKeyDown={
                onOpen
                  ? (e) => {
                      if (e.key === 'Enter') onOpen(r.original)
                    }
                  : undefined
              }
            >
              {r.getVisibleCells().map((c) => (
                <td key={c.id} className={cellClass(c.column.columnDef.meta)}>
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <div className="empty">{empty}</div> : null}
    </div>
  )
}

/** Column options: `num` right-aligns figures, `wrap` lets long text wrap instead of clipping. */
function cellClass(meta: unknown): string | undefined {
  const m = meta as { num?: boolean; wrap?: boolean } | undefined
  const c = [m?.num ? 'num' : '', m?.wrap ? 'wrap' : ''].filter(Boolean).join(' ')
  return c || undefined
}
