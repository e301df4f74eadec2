import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Severity } from '../../../shared/types'
import type { FindingFilter, FindingGroup, FindingRow } from '../../../shared/ipc'
import { MenuButton } from '../components/Menu'
import { PageHeader } from '../components/PageHeader'
import { SEVERITY_LABEL, SEVERITY_ORDER, SeverityBadge, StateBadge } from '../components/badges'
import {
  EmptyState,
  ErrorState,
  HomeText,
  PathText,
  RelativeTime,
  SearchBox,
  Segmented,
  Skeleton,
} from '../components/common'
import { Icon } from '../components/Icon'
import { call } from '../lib/api'
import { EXPORT_CHOICES, exportReport } from '../lib/export'
import { formatCount } from '../lib/format'
import { recallScroll, rememberScroll, replaceParams } from '../lib/router'
import type { Route } from '../lib/router'
import { registerSearch } from '../lib/search-focus'
import { useAppState } from '../lib/store'
import { useQuery } from '../lib/use-query'
import { FindingPane } from './findings/FindingPane'

type State = NonNullable<FindingFilter['state']>
const STATES: readonly { value: State; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
]
const GROUP_PAGE = 50

type Item =
  | { type: 'group'; key: string; group: FindingGroup; expanded: boolean }
  | { type: 'finding'; key: string; row: FindingRow }
  | { type: 'more'; key: string; group: FindingGroup; left: number }
  | { type: 'loading'; key: string; group: FindingGroup }

type GroupData = {
  rows: FindingRow[]
  cursor?: string
  done: boolean
  loading: boolean
  error?: unknown
}

/**
 * Findings grouped by severity and rule, worst first. Each group loads its findings page by page
 * as it scrolls into view; selecting one opens its evidence, why and fix beside the list.
 */
export function Findings({ route }: { route: Route }) {
  const p = route.params
  const state = (p.get('state') as State | null) ?? 'open'
  const text = p.get('q') ?? ''
  const sevParam = p.get('sev')
  const severities = sevParam
    ? (sevParam.split(',').filter((s) => SEVERITY_ORDER.includes(s as Severity)) as Severity[])
    : undefined
  const ruleId = p.get('rule') ?? undefined
  const selected = p.get('sel') ?? undefined
  const filter: FindingFilter = {
    state,
    ...(text ? { text } : {}),
    ...(severities?.length ? { severities } : {}),
    ...(ruleId ? { ruleId } : {}),
  }
  const filterKey = JSON.stringify(filter)
  const groups = useQuery(`groups:${filterKey}`, () => call('getFindingGroups', filter))
  const search = useRef<HTMLInputElement>(null)
  useEffect(() => {
    registerSearch(search.current)
    return () => registerSearch(null)
  }, [])

  const toggleSeverity = (s: Severity): void => {
    const cur = new Set(severities ?? [])
    if (cur.has(s)) cur.delete(s)
    else cur.add(s)
    replaceParams({ sev: SEVERITY_ORDER.filter((x) => cur.has(x)).join(',') || undefined })
  }
  const total = groups.data?.total
  return (
    <>
      <PageHeader title="Findings" sub="Evidence, why it matters and how to fix, worst first">
        <SearchBox
          value={text}
          onChange={(v) => replaceParams({ q: v })}
          placeholder="Title, path, rule or callable"
          label="Search findings"
          inputRef={search}
          testId="findings-search"
        />
        <MenuButton
          label="Export"
          icon="download"
          testId="export-menu"
          items={EXPORT_CHOICES.map((c) => ({
            id: c.format,
            label: c.label,
            hint: c.hint,
            onSelect: () => void exportReport(c.format),
          }))}
        />
      </PageHeader>
      <main className="content fill" id="main" tabIndex={-1}>
        <div className="filter-bar" role="toolbar" aria-label="Filters">
          <Segmented
            label="Finding state"
            value={state}
            options={STATES}
            onChange={(v) => replaceParams({ state: v === 'open' ? undefined : v, sel: undefined })}
            testId="state-filter"
          />
          <div className="sev-chips" role="group" aria-label="Severity">
            {SEVERITY_ORDER.map((s) => (
              <button
                key={s}
                type="button"
                className={`chip sev-${s}${severities?.includes(s) ? ' on' : ''}`}
                aria-pressed={severities?.includes(s) ?? false}
                onClick={() => toggleSeverity(s)}
                data-testid={`chip-${s}`}
              >
                <span className="sev-dot" aria-hidden="true" />
                {SEVERITY_LABEL[s]}
              </button>
            ))}
          </div>
          {ruleId && (
            <span className="tag tone-accent">
              Rule {ruleId}
              <button
                type="button"
                className="tag-x"
                aria-label="Show every rule"
                onClick={() => replaceParams({ rule: undefined })}
              >
                <Icon name="close" size={10} />
              </button>
            </span>
          )}
          <span className="result-count" aria-live="polite" data-testid="result-count">
            {total === undefined
              ? 'Loading…'
              : `${formatCount(total)} ${total === 1 ? 'finding' : 'findings'}`}
          </span>
        </div>
        <div className="master-detail">
          {groups.status === 'error' && !groups.data ? (
            <div className="md-empty">
              <ErrorState error={groups.error} onRetry={groups.retry} />
            </div>
          ) : !groups.data ? (
            <div className="md-empty">
              <Skeleton lines={8} />
            </div>
          ) : groups.data.groups.length === 0 ? (
            <div className="md-empty" data-testid="findings-empty">
              {text || severities || ruleId ? (
                <EmptyState icon="search" title="Nothing matches">
                  No {state === 'all' ? '' : `${state} `}findings match these filters.
                </EmptyState>
              ) : state === 'open' ? (
                <EmptyState icon="shield" title="No open findings">
                  Nothing needs attention. AI Scout checks again on every scan.
                </EmptyState>
              ) : (
                <EmptyState icon="findings" title={`No ${state} findings`}>
                  {state === 'accepted'
                    ? 'When you accept the risk of a finding, with a note saying why, it is listed here and leaves the open counts.'
                    : 'Findings that were fixed since an earlier scan are listed here.'}
                </EmptyState>
              )}
            </div>
          ) : (
            <GroupedList
              key={filterKey}
              filter={filter}
              groups={groups.data.groups}
              selected={selected}
            />
          )}
          {selected && (
            <FindingPane id={selected} onClose={() => replaceParams({ sel: undefined })} />
          )}
        </div>
      </main>
    </>
  )
}

function GroupedList({
  filter,
  groups,
  selected,
}: {
  filter: FindingFilter
  groups: readonly FindingGroup[]
  selected?: string
}) {
  const revision = useAppState((s) => s.revision)
  const totalFindings = groups.reduce((n, g) => n + g.count, 0)
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(
    () =>
      new Set(
        totalFindings > 300
          ? groups.filter((g) => g.severity !== 'critical' && g.severity !== 'high').map(groupKey)
          : [],
      ),
  )
  const [data, setData] = useState<ReadonlyMap<string, GroupData>>(new Map())
  const dataRef = useRef(data)
  dataRef.current = data
  useEffect(() => setData(new Map()), [revision])

  const load = useCallback(
    (g: FindingGroup) => {
      const k = groupKey(g)
      const cur = dataRef.current.get(k)
      if (cur?.loading || cur?.done) return
      const next = new Map(dataRef.current)
      next.set(k, {
        rows: cur?.rows ?? [],
        ...(cur?.cursor ? { cursor: cur.cursor } : {}),
        done: false,
        loading: true,
      })
      dataRef.current = next
      setData(next)
      call('listFindings', {
        filter: { ...filter, ruleId: g.ruleId, severities: [g.severity] },
        limit: GROUP_PAGE,
        ...(cur?.cursor ? { cursor: cur.cursor } : {}),
      }).then(
        (page) =>
          setData((m) => {
            const n = new Map(m)
            const prev = m.get(k)
            n.set(k, {
              rows: [...(prev?.rows ?? []), ...page.rows],
              ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
              done: !page.nextCursor,
              loading: false,
            })
            return n
          }),
        (error: unknown) =>
          setData((m) => {
            const n = new Map(m)
            n.set(k, { rows: m.get(k)?.rows ?? [], done: false, loading: false, error })
            return n
          }),
      )
    },
    [filter],
  )

  const items = useMemo(() => {
    const out: Item[] = []
    for (const g of groups) {
      const k = groupKey(g)
      const expanded = !collapsed.has(k)
      out.push({ type: 'group', key: `g:${k}`, group: g, expanded })
      if (!expanded) continue
      const d = data.get(k)
      for (const r of d?.rows ?? []) out.push({ type: 'finding', key: `f:${r.id}`, row: r })
      if (!d || (d.loading && !d.rows.length))
        out.push({ type: 'loading', key: `l:${k}`, group: g })
      else if (!d.done)
        out.push({ type: 'more', key: `m:${k}`, group: g, left: g.count - d.rows.length })
    }
    return out
  }, [groups, collapsed, data])

  const scroller = useRef<HTMLDivElement>(null)
  const scrollKey = `findings:${JSON.stringify(filter)}`
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual's instance is read fresh on every render; this list is not memoised.
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (items[i]?.type === 'finding' ? 54 : 38),
    overscan: 8,
    getItemKey: (i) => items[i]!.key,
    initialOffset: () => recallScroll(scrollKey),
  })
  const visible = virtual.getVirtualItems()
  // Groups whose first page is in view (a "loading" placeholder showing) get loaded.
  useEffect(() => {
    for (const v of visible) {
      const it = items[v.index]
      if (it?.type === 'loading') load(it.group)
    }
  })
  const [active, setActive] = useState(0)
  const focusItem = (i: number): void => {
    const idx = Math.max(0, Math.min(items.length - 1, i))
    setActive(idx)
    virtual.scrollToIndex(idx, { align: 'auto' })
    const it = items[idx]
    if (it?.type === 'finding') replaceParams({ sel: it.row.id })
  }
  const toggle = (g: FindingGroup): void => {
    const k = groupKey(g)
    setCollapsed((c) => {
      const n = new Set(c)
      if (n.has(k)) n.delete(k)
      else n.add(k)
      return n
    })
  }
  useEffect(() => {
    if (!selected) return
    const i = items.findIndex((it) => it.type === 'finding' && it.row.id === selected)
    if (i >= 0) setActive(i)
  }, [selected, items])
  return (
    <div
      ref={scroller}
      className="finding-list"
      role="tree"
      aria-label="Findings by severity and rule"
      tabIndex={0}
      aria-activedescendant={items[active] ? `item-${active}` : undefined}
      data-testid="finding-list"
      onScroll={(e) => rememberScroll(scrollKey, e.currentTarget.scrollTop)}
      onKeyDown={(e) => {
        const it = items[active]
        switch (e.key) {
          case 'ArrowDown':
            focusItem(active + 1)
            break
          case 'ArrowUp':
            focusItem(active - 1)
            break
          case 'Home':
            focusItem(0)
            break
          case 'End':
            focusItem(items.length - 1)
            break
          case 'ArrowLeft':
            if (it?.type === 'group' && it.expanded) toggle(it.group)
            else {
              const gi = items
                .slice(0, active + 1)
                .map((x) => x.type)
                .lastIndexOf('group')
              if (gi >= 0) focusItem(gi)
            }
            break
          case 'ArrowRight':
            if (it?.type === 'group' && !it.expanded) toggle(it.group)
            break
          case 'Enter':
          case ' ':
            if (it?.type === 'group') toggle(it.group)
            else if (it?.type === 'more') load(it.group)
            else if (it?.type === 'finding') replaceParams({ sel: it.row.id })
            break
          default:
            return
        }
        e.preventDefault()
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {visible.map((v) => {
          const it = items[v.index]!
          const common = {
            id: `item-${v.index}`,
            'data-index': v.index,
            ref: virtual.measureElement,
            style: { transform: `translateY(${v.start}px)` },
          }
          switch (it.type) {
            case 'group':
              return (
                <div
                  key={it.key}
                  {...common}
                  role="treeitem"
                  aria-expanded={it.expanded}
                  aria-level={1}
                  className={`fl-group${active === v.index ? ' active' : ''}`}
                  onClick={() => {
                    setActive(v.index)
                    toggle(it.group)
                  }}
                  data-testid="finding-group"
                  data-rule={it.group.ruleId}
                >
                  <Icon name="chevron" size={12} className={it.expanded ? 'rot' : ''} />
                  <SeverityBadge severity={it.group.severity} />
                  <span className="fl-group-title">{it.group.title}</span>
                  <code className="fl-rule">{it.group.ruleId}</code>
                  <span className="fl-count">{formatCount(it.group.count)}</span>
                </div>
              )
            case 'finding': {
              const r = it.row
              return (
                <div
                  key={it.key}
                  {...common}
                  role="treeitem"
                  aria-level={2}
                  aria-selected={r.id === selected}
                  className={`fl-row${r.id === selected ? ' selected' : ''}${active === v.index ? ' active' : ''}`}
                  onClick={() => {
                    setActive(v.index)
                    replaceParams({ sel: r.id })
                  }}
                  data-testid="finding-row"
                  data-id={r.id}
                  data-rule={r.ruleId}
                >
                  <span className={`fl-bar bar-${r.severity}`} aria-hidden="true" />
                  <span className="fl-main">
                    <span className="fl-msg">
                      <HomeText text={r.message} />
                    </span>
                    <span className="fl-where">
                      <PathText path={r.path} max={70} />
                      {r.line !== undefined && <span className="muted"> : {r.line}</span>}
                    </span>
                  </span>
                  <span className="fl-side">
                    {r.state !== 'open' && <StateBadge state={r.state} />}
                    <RelativeTime iso={r.firstSeenAt} />
                  </span>
                </div>
              )
            }
            case 'more':
              return (
                <div
                  key={it.key}
                  {...common}
                  role="treeitem"
                  aria-level={2}
                  className={`fl-more${active === v.index ? ' active' : ''}`}
                >
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    tabIndex={-1}
                    onClick={() => load(it.group)}
                  >
                    Show {formatCount(Math.min(GROUP_PAGE, it.left))} more of {formatCount(it.left)}
                  </button>
                </div>
              )
            case 'loading':
              return (
                <div
                  key={it.key}
                  {...common}
                  role="treeitem"
                  aria-level={2}
                  aria-busy="true"
                  className="fl-more muted"
                >
                  Loading…
                </div>
              )
          }
        })}
      </div>
    </div>
  )
}

function groupKey(g: FindingGroup): string {
  return `${g.severity}|${g.ruleId}`
}
