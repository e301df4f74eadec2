import { useEffect, useRef } from 'react'
import type { AssetKind, Severity, Verdict } from '../../../shared/types'
import type { AssetQuery, AssetSortKey } from '../../../shared/ipc'
import { INVENTORY_TABS, tabById } from '../../../shared/inventory-tabs'
import { MenuButton } from '../components/Menu'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, SearchBox } from '../components/common'
import { call } from '../lib/api'
import { EXPORT_CHOICES, exportReport } from '../lib/export'
import { formatCount } from '../lib/format'
import { usePagedAssets } from '../lib/paged-assets'
import { href, navigate, replaceParams } from '../lib/router'
import type { Route } from '../lib/router'
import { registerSearch } from '../lib/search-focus'
import { useQuery } from '../lib/use-query'
import { AssetPane } from './inventory/AssetPane'
import { AssetTable } from './inventory/AssetTable'

const VERDICTS: readonly Verdict[] = ['malicious', 'suspicious', 'invalid', 'safe']
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low']

export function Inventory({ route }: { route: Route }) {
  const tab = tabById(route.sub ?? '') ?? INVENTORY_TABS[0]!
  const p = route.params
  const text = p.get('q') ?? ''
  const sortKey = (p.get('sort') as AssetSortKey | null) ?? 'name'
  const dir = p.get('dir') === 'desc' ? 'desc' : 'asc'
  const verdict = (p.get('verdict') as Verdict | null) ?? undefined
  const minSeverity = (p.get('sev') as Severity | null) ?? undefined
  const status = (p.get('status') as 'present' | 'gone' | 'all' | null) ?? 'present'
  const selected = p.get('sel') ?? undefined
  const query: Omit<AssetQuery, 'cursor' | 'at' | 'limit'> = {
    kinds: [...tab.kinds] as AssetKind[],
    ...(text ? { text } : {}),
    ...(verdict ? { verdict } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    status,
    sort: { key: sortKey, dir },
  }
  const rows = usePagedAssets(query)
  const counts = useQuery('overview', () => call('getOverview'))
  const search = useRef<HTMLInputElement>(null)
  useEffect(() => {
    registerSearch(search.current)
    return () => registerSearch(null)
  }, [])
  const filtered = Boolean(text || verdict || minSeverity || status !== 'present')
  const byKind = counts.data?.assetsByKind
  const tabCount = (kinds: readonly AssetKind[]): number | undefined =>
    byKind ? kinds.reduce((n, k) => n + (byKind[k] ?? 0), 0) : undefined
  const total = rows.total
  return (
    <>
      <PageHeader title="Inventory" sub="Every AI asset on this machine, by kind">
        <SearchBox
          value={text}
          onChange={(v) => replaceParams({ q: v, sel: undefined })}
          placeholder="Name, path, hash, fingerprint"
          label="Search the inventory"
          inputRef={search}
          testId="inventory-search"
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
        <div className="tabs" role="tablist" aria-label="Asset kinds" data-testid="inventory-tabs">
          {INVENTORY_TABS.map((t) => {
            const n = tabCount(t.kinds)
            const on = t.id === tab.id
            return (
              <a
                key={t.id}
                role="tab"
                aria-selected={on}
                className={`tab${on ? ' on' : ''}${n === 0 ? ' zero' : ''}`}
                href={href('inventory', t.id)}
                data-testid={`tab-${t.id}`}
                tabIndex={on ? 0 : -1}
                // With many kinds the row scrolls sideways: keep the open tab in view.
                ref={
                  on
                    ? (el) => el?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
                    : undefined
                }
                onKeyDown={(e) => {
                  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
                  e.preventDefault()
                  const i = INVENTORY_TABS.findIndex((x) => x.id === tab.id)
                  const next =
                    INVENTORY_TABS[
                      (i + (e.key === 'ArrowRight' ? 1 : INVENTORY_TABS.length - 1)) %
                        INVENTORY_TABS.length
                    ]!
                  navigate(href('inventory', next.id))
                  window.setTimeout(
                    () =>
                      document
                        .querySelector<HTMLElement>(`[data-testid="tab-${next.id}"]`)
                        ?.focus(),
                    0,
                  )
                }}
              >
                {t.short ?? t.label}
                {n !== undefined ? (
                  <span className="tab-count">{formatCount(n)}</span>
                ) : (
                  <span className="tab-count-pending" aria-hidden="true" />
                )}
              </a>
            )
          })}
        </div>
        <div className="filter-bar" role="toolbar" aria-label="Filters">
          {tab.kinds.includes('model') && (
            <label className="filter">
              Verdict
              <select
                value={verdict ?? ''}
                onChange={(e) =>
                  replaceParams({ verdict: e.target.value || undefined, sel: undefined })
                }
                data-testid="filter-verdict"
              >
                <option value="">Any</option>
                {VERDICTS.map((v) => (
                  <option key={v} value={v}>
                    {v[0]!.toUpperCase() + v.slice(1)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="filter">
            Findings
            <select
              value={minSeverity ?? ''}
              onChange={(e) => replaceParams({ sev: e.target.value || undefined, sel: undefined })}
              data-testid="filter-severity"
            >
              <option value="">Any</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s === 'low'
                    ? 'Low or worse'
                    : `${s[0]!.toUpperCase()}${s.slice(1)}${s === 'critical' ? '' : ' or worse'}`}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            Show
            <select
              value={status}
              onChange={(e) =>
                replaceParams({
                  status: e.target.value === 'present' ? undefined : e.target.value,
                  sel: undefined,
                })
              }
              data-testid="filter-status"
            >
              <option value="present">On disk now</option>
              <option value="gone">Gone since an earlier scan</option>
              <option value="all">All</option>
            </select>
          </label>
          <span className="result-count" aria-live="polite" data-testid="result-count">
            {rows.error !== undefined
              ? ''
              : total === undefined
                ? 'Loading…'
                : `${formatCount(total)} ${total === 1 ? 'item' : 'items'}${filtered ? ' match' : ''}`}
          </span>
          {filtered && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() =>
                replaceParams({
                  q: undefined,
                  verdict: undefined,
                  sev: undefined,
                  status: undefined,
                })
              }
            >
              Clear filters
            </button>
          )}
        </div>
        <div className="master-detail">
          {total === 0 && rows.error === undefined ? (
            <div className="md-empty">
              {filtered ? (
                <EmptyState icon="search" title="Nothing matches">
                  No {tab.label.toLowerCase()} match these filters.
                </EmptyState>
              ) : (
                <EmptyState icon="inventory" title={`No ${tab.label.toLowerCase()} found`}>
                  {tab.empty}
                </EmptyState>
              )}
            </div>
          ) : (
            <AssetTable
              tab={tab}
              rows={rows}
              sort={{ key: sortKey, dir }}
              onSort={(k) =>
                replaceParams({
                  sort: k === 'name' ? undefined : k,
                  dir: sortKey === k && dir === 'asc' ? 'desc' : undefined,
                })
              }
              selected={selected}
              onSelect={(r) => replaceParams({ sel: r.id })}
              scrollKey={`inv:${tab.id}:${JSON.stringify(query)}`}
            />
          )}
          {selected && (
            <AssetPane id={selected} onClose={() => replaceParams({ sel: undefined })} />
          )}
        </div>
      </main>
    </>
  )
}
