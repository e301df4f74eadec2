import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table'
import type { ColumnDef, SortingState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { AssetRow, AssetSortKey } from '../../../../shared/ipc'
import type { FactColumn, InventoryTab } from '../../../../shared/inventory-tabs'
import { KIND_LABEL } from '../../../../shared/inventory-tabs'
import { SeverityBadge, VerdictBadge } from '../../components/badges'
import { Bytes, ErrorState, PathText } from '../../components/common'
import { Icon } from '../../components/Icon'
import { formatBytes, formatCount, middlePath, middleText, shortHash } from '../../lib/format'
import type { PagedRows } from '../../lib/paged-assets'
import { recallScroll, rememberScroll } from '../../lib/router'

const ROW_HEIGHT = 34
const HEAD_HEIGHT = 32
const SORTABLE: Readonly<Record<string, AssetSortKey>> = {
  name: 'name',
  kind: 'kind',
  format: 'format',
  size: 'size',
  source: 'source',
  verdict: 'verdict',
  findings: 'findings',
  path: 'path',
}

/**
 * A column: `min` pixels at least; `fr` shares the space left (0: fixed at `min`). When the table
 * is narrow (a detail pane open, a small window) the columns with the highest `drop` go first,
 * so nothing is cut off at the edge.
 */
type Col = Readonly<{
  id: string
  header: string
  min: number
  fr?: number
  drop: number
  align?: 'right'
  /** `width`: the column's laid-out width in pixels, for text shortened in the middle. */
  render(r: AssetRow, width: number): React.ReactNode
}>

/** Cell padding (12 px each side) and the width of one character of the 12 px monospace font. */
const CELL_PAD = 24
const MONO_CHAR = 7.3
/** Characters of monospace text that fit a column `width` pixels wide. */
const monoFit = (width: number): number => Math.max(12, Math.floor((width - CELL_PAD) / MONO_CHAR))
/**
 * Roughly the characters of the bold 14 px name that fit. Glyph widths vary by font, so this
 * errs short (10 px a glyph): a name shortened a little early beats one cut at both ends.
 */
const nameFit = (width: number): number => Math.max(10, Math.floor((width - CELL_PAD - 4) / 10))

function factCell(c: FactColumn, r: AssetRow, width: number): React.ReactNode {
  const v = r.facts[c.id]
  if (v === undefined) return <span className="muted">—</span>
  switch (c.format) {
    case 'bytes':
      return typeof v === 'number' ? formatBytes(v) : String(v)
    case 'count':
      return typeof v === 'number' ? formatCount(v) : String(v)
    case 'bool':
      return v === true ? 'Yes' : v === false ? 'No' : String(v)
    case 'short-hash':
      return (
        <span className="mono" title={String(v)}>
          {shortHash(String(v), 6)}
        </span>
      )
    default:
      return c.mono ? (
        <span className="mono" title={String(v)}>
          {shortMono(String(v), monoFit(width))}
        </span>
      ) : (
        <span title={String(v)}>{String(v)}</span>
      )
  }
}

/**
 * Monospace text for a narrow cell: a URL keeps its host and the end of its path (the scheme
 * goes first), a path drops middle folders, anything else is shortened in the middle.
 */
function shortMono(v: string, fit: number): string {
  if (v.length <= fit) return v
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return middleText(v.replace(/^[^:]+:\/\//, ''), fit)
  return v.includes('/') || v.includes('\\') ? middlePath(v, fit) : middleText(v, fit)
}

/** The columns of one tab: the common ones it lists, then its facts, then the path. */
export function columnsFor(tab: InventoryTab): Col[] {
  const out: Col[] = []
  for (const c of tab.columns) {
    switch (c) {
      case 'name':
        out.push({
          id: 'name',
          header: tab.kinds.includes('secret') ? 'Key' : 'Name',
          min: 200,
          fr: 3,
          drop: 0,
          render: (r, w) => (
            <span className="cell-name">
              <span className="name-text" title={r.name}>
                {/* The end of a long name tells models apart (a file, a tag, a quantisation). */}
                {middleText(r.name, nameFit(w) - (r.status === 'gone' ? 6 : 0))}
              </span>
              {r.status === 'gone' && <span className="tag tone-neutral">gone</span>}
            </span>
          ),
        })
        tab.facts.forEach((f, i) =>
          out.push({
            id: `fact:${f.id}`,
            header: f.label,
            min: f.width ?? 110,
            // Facts go before the source and location when the table is narrow.
            drop: 5 + i,
            render: (r, w) => factCell(f, r, w),
          }),
        )
        break
      case 'kind':
        out.push({
          id: 'kind',
          header: 'Kind',
          min: 100,
          drop: 2,
          render: (r) => KIND_LABEL[r.kind],
        })
        break
      case 'version':
        out.push({
          id: 'version',
          header: 'Version',
          min: 100,
          drop: 2,
          render: (r) =>
            r.version ? (
              <span title={r.version} className={/^[0-9a-f]{40}$/.test(r.version) ? 'mono' : ''}>
                {/^[0-9a-f]{40}$/.test(r.version) ? r.version.slice(0, 10) : r.version}
              </span>
            ) : (
              <span className="muted">—</span>
            ),
        })
        break
      case 'format':
        out.push({
          id: 'format',
          header: 'Format',
          min: 104,
          drop: 2,
          render: (r) => r.format ?? <span className="muted">—</span>,
        })
        break
      case 'size':
        out.push({
          id: 'size',
          header: 'Size',
          min: 88,
          drop: 1,
          align: 'right',
          render: (r) => <Bytes n={r.sizeBytes} />,
        })
        break
      case 'source':
        out.push({
          id: 'source',
          header: 'Source',
          min: 120,
          drop: 4,
          render: (r) => <span title={r.source}>{r.source ?? '—'}</span>,
        })
        break
      case 'verdict':
        out.push({
          id: 'verdict',
          header: 'Verdict',
          min: 104,
          drop: 0,
          render: (r) =>
            r.verdict ? <VerdictBadge verdict={r.verdict} /> : <span className="muted">—</span>,
        })
        break
      case 'findings':
        out.push({
          id: 'findings',
          header: 'Findings',
          min: 116,
          drop: 0,
          render: (r) =>
            r.openFindings && r.worstSeverity ? (
              <span className="cell-findings">
                <SeverityBadge severity={r.worstSeverity} compact />
                {r.openFindings > 1 && <span className="muted">+{r.openFindings - 1}</span>}
              </span>
            ) : (
              <span className="muted">None</span>
            ),
        })
        break
      case 'path':
        out.push({
          id: 'path',
          header: 'Location',
          min: 170,
          fr: 3,
          drop: 1,
          render: (r, w) => <PathText path={r.path} max={monoFit(w)} />,
        })
        break
    }
  }
  return out
}

/** The columns that fit `width` (cell padding included in `min`), dropping by `drop`, highest first. */
function fitColumns(cols: readonly Col[], width: number): Col[] {
  const kept = [...cols]
  const need = (): number => kept.reduce((n, c) => n + c.min, 0)
  while (need() > width - 4 && kept.some((c) => c.drop > 0)) {
    const worst = kept.reduce((w, c) => (c.drop > w.drop ? c : w))
    kept.splice(kept.indexOf(worst), 1)
  }
  return kept
}

/** The pixel width the grid gives each column: `min`, plus a share of what is left by `fr`. */
function layoutWidths(cols: readonly Col[], width: number): Readonly<Record<string, number>> {
  const free = Math.max(0, width - 4 - cols.reduce((n, c) => n + c.min, 0))
  const frs = cols.reduce((n, c) => n + (c.fr ?? 0), 0)
  return Object.fromEntries(
    cols.map((c) => [c.id, c.min + (frs && c.fr ? (free * c.fr) / frs : 0)]),
  )
}

const helper = createColumnHelper<AssetRow>()

/**
 * A virtualised, keyboard-driven table over a paged asset list (TanStack Table for the column
 * model and sort state, TanStack Virtual for the rows). Only the rows in view are in the DOM.
 */
export function AssetTable({
  tab,
  rows,
  sort,
  onSort,
  selected,
  onSelect,
  scrollKey,
}: {
  tab: InventoryTab
  rows: PagedRows
  sort: { key: AssetSortKey; dir: 'asc' | 'desc' }
  onSort(key: AssetSortKey): void
  selected?: string
  onSelect(row: AssetRow, how: 'click' | 'key'): void
  scrollKey: string
}) {
  const allCols = useMemo(() => columnsFor(tab), [tab])
  const box = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(1000)
  useLayoutEffect(() => {
    const el = box.current
    if (!el) return
    const ro = new ResizeObserver(([e]) => setWidth(Math.floor(e!.contentRect.width)))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  const cols = useMemo(() => fitColumns(allCols, width), [allCols, width])
  const widths = useMemo(() => layoutWidths(cols, width), [cols, width])
  const sorting: SortingState = [{ id: sort.key, desc: sort.dir === 'desc' }]
  const columnDefs = useMemo(
    () =>
      cols.map(
        (c) =>
          helper.display({
            id: c.id,
            header: c.header,
            cell: (ctx) => c.render(ctx.row.original, c.min),
            enableSorting: c.id in SORTABLE,
          }) as ColumnDef<AssetRow>,
      ),
    [cols],
  )
  const total = rows.total ?? 0
  // TanStack Table models the columns and the (server-side) sort; rows come from the pager.
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns new functions each render; this component is not memoised, so nothing goes stale.
  const table = useReactTable({
    data: [],
    columns: columnDefs,
    state: { sorting },
    manualSorting: true,
    getCoreRowModel: getCoreRowModel(),
  })
  const scroller = useRef<HTMLDivElement>(null)

  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The header row sits above the rows inside the scrolling element.
    scrollMargin: HEAD_HEIGHT,
    initialOffset: () => recallScroll(scrollKey),
  })
  const items = virtual.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0
  useEffect(() => rows.want(first, last), [first, last, rows])

  const activeIndex = useRef(-1)
  const template = cols
    .map((c) => (c.fr ? `minmax(${c.min}px, ${c.fr}fr)` : `${c.min}px`))
    .join(' ')
  const selectedIndex = (() => {
    if (!selected) return -1
    for (const it of items) if (rows.row(it.index)?.id === selected) return it.index
    return -1
  })()
  if (selectedIndex >= 0) activeIndex.current = selectedIndex

  const move = (to: number): void => {
    const i = Math.max(0, Math.min(total - 1, to))
    activeIndex.current = i
    virtual.scrollToIndex(i, { align: 'auto' })
    const r = rows.row(i)
    if (r) onSelect(r, 'key')
  }

  return (
    <div ref={box} className="asset-table">
      {rows.error !== undefined && <ErrorState error={rows.error} onRetry={rows.retry} />}
      <div
        ref={scroller}
        className="grid-scroll"
        role="grid"
        aria-label={`${tab.label}: arrow keys move, Enter opens`}
        aria-rowcount={total + 1}
        aria-colcount={cols.length}
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? `row-${selectedIndex}` : undefined}
        data-testid="asset-table"
        onScroll={(e) => rememberScroll(scrollKey, e.currentTarget.scrollTop)}
        onKeyDown={(e) => {
          const page = Math.max(
            1,
            Math.floor(((scroller.current?.clientHeight ?? 340) - HEAD_HEIGHT) / ROW_HEIGHT) - 1,
          )
          const cur = activeIndex.current
          switch (e.key) {
            case 'ArrowDown':
              move(cur + 1)
              break
            case 'ArrowUp':
              move(cur <= 0 ? 0 : cur - 1)
              break
            case 'PageDown':
              move(cur + page)
              break
            case 'PageUp':
              move(cur - page)
              break
            case 'Home':
              move(0)
              break
            case 'End':
              move(total - 1)
              break
            case 'Enter':
            case ' ': {
              const r = rows.row(Math.max(0, cur))
              if (r) onSelect(r, 'key')
              break
            }
            default:
              return
          }
          e.preventDefault()
        }}
      >
        <div className="grid-head" role="rowgroup">
          {table.getHeaderGroups().map((hg) => (
            <div
              className="grid-row head"
              role="row"
              aria-rowindex={1}
              key={hg.id}
              style={{ gridTemplateColumns: template }}
            >
              {hg.headers.map((h) => {
                const key = SORTABLE[h.column.id]
                const col = cols.find((c) => c.id === h.column.id)
                const dir = sort.key === key ? sort.dir : undefined
                return (
                  <div
                    key={h.id}
                    role="columnheader"
                    className={`cell${col?.align === 'right' ? ' right' : ''}`}
                    aria-sort={
                      dir ? (dir === 'asc' ? 'ascending' : 'descending') : key ? 'none' : undefined
                    }
                  >
                    {key ? (
                      <button
                        type="button"
                        className="sort-btn"
                        onClick={() => onSort(key)}
                        data-testid={`sort-${key}`}
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <Icon name="down" size={11} className={dir ? `sort-${dir}` : 'sort-none'} />
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </div>
                )
              })}
            </div>
          ))}
        </div>
        <div
          className="grid-body"
          role="rowgroup"
          data-testid="asset-rows"
          style={{ height: virtual.getTotalSize(), position: 'relative' }}
        >
          {items.map((it) => {
            const r = rows.row(it.index)
            return (
              <div
                key={it.key}
                id={`row-${it.index}`}
                role="row"
                aria-rowindex={it.index + 2}
                aria-selected={r ? r.id === selected : false}
                className={`grid-row${r && r.id === selected ? ' selected' : ''}${r ? '' : ' placeholder'}`}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${it.start - HEAD_HEIGHT}px)`,
                  height: ROW_HEIGHT,
                }}
                onClick={() => {
                  if (!r) return
                  activeIndex.current = it.index
                  onSelect(r, 'click')
                }}
                data-testid={r ? 'asset-row' : 'asset-row-loading'}
                data-id={r?.id}
              >
                {r
                  ? cols.map((c) => (
                      <div
                        key={c.id}
                        role="gridcell"
                        className={`cell${c.align === 'right' ? ' right' : ''}`}
                        data-col={c.id}
                      >
                        {c.render(r, widths[c.id] ?? c.min)}
                      </div>
                    ))
                  : cols.map((c) => (
                      <div key={c.id} role="gridcell" className="cell">
                        <span className="cell-skeleton" />
                      </div>
                    ))}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
