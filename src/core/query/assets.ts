import type { Db } from '../storage/db'
import { ASSET_NAME_KEY, ASSET_SIZE_KEY } from '../storage/migrations/0055-query-indexes'
import type {
  AssetFilter,
  AssetQuery,
  AssetRow,
  AssetSortKey,
  Page,
  SortDirection,
} from '../../shared/query'
import { QueryError } from './cursor'
import { currentSummary, refreshDerived } from './derived'
import type { Sort, Where } from './paging'
import { countWhere, hasMany, inList, keysetPage, limitOf, where } from './paging'
import type { AssetDbRow } from './rows'
import { ASSET_COLUMNS, toAssetRow } from './rows'
import { countOf } from './summary'
import { ASSET_SEARCH, textFilter } from './text-plan'

/** Sort keys as SQL, each spelt as its index spells it (migration 0055), ending in the id. */
const ASSET_SORTS: Readonly<Record<AssetSortKey, readonly string[]>> = {
  name: [ASSET_NAME_KEY, 'id'],
  kind: ['kind', ASSET_NAME_KEY, 'id'],
  path: ['path', 'id'],
  size: [ASSET_SIZE_KEY, 'id'],
  firstSeen: ['first_seen_scan', 'id'],
}

const DEFAULT_DIRECTION: Readonly<Record<AssetSortKey, SortDirection>> = {
  name: 'asc',
  kind: 'asc',
  path: 'asc',
  size: 'desc',
  firstSeen: 'desc',
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

function assetWhere(db: Db, f: AssetFilter, sortKey?: AssetSortKey): Where | undefined {
  const w = where()
  // `+status`: nearly every asset is present, so the status index would only make SQLite sort
  // them all; walking the sort index and checking the status fills a page after a few rows.
  inList(w, '+status', f.statuses ?? ['present'])
  inList(w, driveByKind(db, f, sortKey) ? 'kind' : '+kind', f.kinds)
  inList(w, 'source', f.sources)
  inList(w, 'verdict', f.verdicts)
  return textFilter(db, w, ASSET_SEARCH, f.text) ? w : undefined
}

function sortOf(q: AssetQuery): Sort {
  const key = q.sort?.key ?? 'name'
  const keys = ASSET_SORTS[key]
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
export function queryAssets(db: Db, q: AssetQuery = {}): Page<AssetRow> {
  const sort = sortOf(q)
  const limit = limitOf(q.limit)
  refreshDerived(db)
  const w = assetWhere(db, q, q.sort?.key ?? 'name')
  if (!w) return { items: [] }
  return keysetPage<AssetDbRow, AssetRow>(db, {
    columns: ASSET_COLUMNS,
    from: 'assets',
    where: w,
    sort,
    limit,
    cursor: q.cursor,
    map: toAssetRow,
  })
}

/** How many assets a filter matches (for a "1,234 assets" label; not needed to page). */
export function countAssets(db: Db, f: AssetFilter = {}): number {
  if (f.sources === undefined && f.verdicts === undefined && (f.text ?? '').trim() === '') {
    // Status and kind alone: the summary counts kept with the derived state.
    const kinds = f.kinds === undefined ? undefined : new Set<unknown>(f.kinds)
    return countOf(
      currentSummary(db).assets,
      f.statuses ?? ['present'],
      kinds && ((k) => kinds.has(k)),
    )
  }
  refreshDerived(db)
  const w = assetWhere(db, f)
  if (!w) return 0
  return countWhere(db, 'assets', w)
}
