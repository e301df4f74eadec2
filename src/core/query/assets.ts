import type { Db } from '../storage/db'
import {
  ASSET_NAME_KEY,
  ASSET_SIZE_KEY,
  SEVERITY_RANK,
} from '../storage/migrations/0055-query-indexes'
import {
  ASSET_FORMAT_KEY,
  ASSET_SOURCE_KEY,
  ASSET_VERDICT_RANK,
} from '../storage/migrations/0095-app-query-indexes'
import { SEVERITIES } from '../types'
import type {
  AssetFilter,
  AssetQuery,
  AssetRow,
  AssetSortKey,
  Page,
  QueryOptions,
  SortDirection,
} from '../../shared/query'
import { IN_FORCE, inForceAt, isoNow, withOpenCounts } from './acceptance'
import { QueryError } from './cursor'
import { currentSummary, refreshDerived } from './derived'
import type { Sort, Where } from './paging'
import { countWhere, hasMany, inList, keysetPage, limitOf, offsetOf, where } from './paging'
import type { AssetDbRow } from './rows'
import { ASSET_COLUMNS, toAssetRow, withAssetTimes } from './rows'
import { countOf } from './summary'
import { ASSET_SEARCH, textFilter } from './text-plan'

/**
 * Open findings of an asset not under an acceptance in force at `iso`: a sort key no index can
 * hold (it changes with the findings and the clock), so sorting by it reads every matching asset.
 */
const OPEN_FINDINGS = (iso: string): string =>
  `(SELECT count(*) FROM findings o WHERE o.asset_id = assets.id AND o.status = 'open'
    AND o.id NOT IN (${inForceAt(iso)}))`

/**
 * Sort keys as SQL, each spelt as its index spells it (migrations 0055, 0095), ending in the id.
 * `iso`: the query's time (the findings sort leaves out accepted findings).
 */
function assetSortKeys(key: AssetSortKey, iso: string): readonly string[] | undefined {
  switch (key) {
    case 'name':
      return [ASSET_NAME_KEY, 'id']
    case 'kind':
      return ['kind', ASSET_NAME_KEY, 'id']
    case 'path':
      return ['path', 'id']
    case 'size':
      return [ASSET_SIZE_KEY, 'id']
    case 'firstSeen':
      return ['first_seen_scan', 'id']
    case 'format':
      return [ASSET_FORMAT_KEY, ASSET_NAME_KEY, 'id']
    case 'source':
      return [ASSET_SOURCE_KEY, ASSET_NAME_KEY, 'id']
    case 'verdict':
      return [ASSET_VERDICT_RANK, ASSET_NAME_KEY, 'id']
    case 'findings':
      return [OPEN_FINDINGS(iso), ASSET_NAME_KEY, 'id']
    default:
      return undefined
  }
}

const DEFAULT_DIRECTION: Readonly<Record<AssetSortKey, SortDirection>> = {
  name: 'asc',
  kind: 'asc',
  path: 'asc',
  size: 'desc',
  firstSeen: 'desc',
  format: 'asc',
  source: 'asc',
  verdict: 'desc',
  findings: 'desc',
}

/** Whether a kinds filter should drive the query through assets_by_kind (see hasMany). */
function driveByKind(db: Db, f: AssetFilter, sortKey: AssetSortKey | undefined): boolean {
  const kinds = f.kinds
  if (kinds === undefined) return false
  // One kind under the name or kind sort is a range of assets_by_kind, already in order.
  if (kinds.length === 1 && (sortKey === 'name' || sortKey === 'kind')) return true
  const list = kinds.map(() => '?').join(', ')
  return !hasMany(db, `SELECT 1 FROM assets WHERE kind IN (${list})`, kinds)
}

function assetWhere(
  db: Db,
  f: AssetFilter,
  iso: string,
  sortKey?: AssetSortKey,
): Where | undefined {
  const w = where()
  // `+status`: nearly every asset is present, so the status index would only make SQLite sort
  // them all; walking the sort index and checking the status fills a page after a few rows.
  inList(w, '+status', f.statuses ?? ['present'])
  inList(w, driveByKind(db, f, sortKey) ? 'kind' : '+kind', f.kinds)
  inList(w, 'source', f.sources)
  inList(w, 'verdict', f.verdicts)
  if (f.minSeverity !== undefined) {
    const rank = SEVERITIES.indexOf(f.minSeverity)
    if (rank < 0) throw new QueryError(`unknown severity ${String(f.minSeverity)}`)
    // Spelt as findings_open_by_rank's expression and condition, so the index covers it.
    const severe = `${SEVERITY_RANK.replaceAll('severity', 'o.severity')} >= ?
      AND o.status = 'open' AND +o.id NOT IN (${IN_FORCE})`
    // Named: without statistics SQLite prefers the equality on status (every open finding, each
    // rank computed) to this index's range of ranks, about twice as slow on 100k assets.
    const withFinding = `SELECT o.asset_id FROM findings o INDEXED BY findings_open_by_rank
      WHERE ${severe} AND o.asset_id IS NOT NULL`
    const params = [rank, iso]
    // Few such assets, or a count: read them from findings_by_rank and drive by their ids.
    // Many for a page: walk the sort index and look up each asset's findings
    // (findings_by_asset) until the page is full.
    if (sortKey !== undefined && hasMany(db, withFinding, params))
      w.sql.push(`EXISTS (SELECT 1 FROM findings o WHERE o.asset_id = assets.id AND ${severe})`)
    else w.sql.push(`id IN (${withFinding})`)
    w.params.push(...params)
  }
  return textFilter(db, w, ASSET_SEARCH, f.text) ? w : undefined
}

function sortOf(q: AssetQuery, iso: string): Sort {
  const key = q.sort?.key ?? 'name'
  const keys = assetSortKeys(key, iso)
  if (!keys) throw new QueryError(`unknown asset sort ${String(key)}`)
  const direction = q.sort?.direction ?? DEFAULT_DIRECTION[key]
  if (direction !== 'asc' && direction !== 'desc')
    throw new QueryError(`invalid sort direction ${String(direction)}`)
  const fixed = key === 'kind' && q.kinds?.length === 1 ? 1 : 0
  return { id: `asset:${key}:${direction}`, keys, direction, fixed }
}

/**
 * One page of the inventory's assets, filtered and sorted (default: present assets by name).
 * Pass the page's `nextCursor` back to get the next one; paging never skips or repeats a row,
 * also when many rows share a sort value.
 */
export function queryAssets(db: Db, q: AssetQuery = {}, opts?: QueryOptions): Page<AssetRow> {
  const iso = isoNow(opts)
  const sort = sortOf(q, iso)
  const limit = limitOf(q.limit)
  const offset = offsetOf(q.offset, q.cursor)
  refreshDerived(db)
  const w = assetWhere(db, q, iso, q.sort?.key ?? 'name')
  if (!w) return { items: [] }
  const page = keysetPage<AssetDbRow, AssetRow>(db, {
    columns: ASSET_COLUMNS,
    from: 'assets',
    where: w,
    sort,
    limit,
    cursor: q.cursor,
    offset,
    map: toAssetRow,
  })
  return { ...page, items: withAssetTimes(db, withOpenCounts(db, page.items, opts)) }
}

/** How many assets a filter matches (for a "1,234 assets" label; not needed to page). */
export function countAssets(db: Db, f: AssetFilter = {}, opts?: QueryOptions): number {
  if (
    f.sources === undefined &&
    f.verdicts === undefined &&
    f.minSeverity === undefined &&
    (f.text ?? '').trim() === ''
  ) {
    // Status and kind alone: the summary counts kept with the derived state.
    const kinds = f.kinds === undefined ? undefined : new Set<unknown>(f.kinds)
    return countOf(
      currentSummary(db).assets,
      f.statuses ?? ['present'],
      kinds && ((k) => kinds.has(k)),
    )
  }
  refreshDerived(db)
  const w = assetWhere(db, f, isoNow(opts))
  if (!w) return 0
  return countWhere(db, 'assets', w)
}
