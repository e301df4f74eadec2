import { findRule } from '../rules'
import type { Db } from '../storage/db'
import type { Severity } from '../types'
import { SEVERITIES } from '../types'
import { SEVERITY_RANK } from '../storage/migrations/0055-query-indexes'
import type {
  FindingFilter,
  FindingGroups,
  FindingQuery,
  FindingRow,
  FindingSortKey,
  Page,
  QueryOptions,
  SortDirection,
} from '../../shared/query'
import { acceptedFilter, isoNow, withAcceptance } from './acceptance'
import { QueryError } from './cursor'
import { currentSummary, refreshDerived } from './derived'
import type { Sort, Where } from './paging'
import { countWhere, hasMany, inList, keysetPage, limitOf, offsetOf, where } from './paging'
import type { FindingDbRow } from './rows'
import { FINDING_PAGE_COLUMNS, toFindingRow, withAssetRefs, withFindingTimes } from './rows'
import { countOf } from './summary'
import { FINDING_SEARCH, textFilter } from './text-plan'

/** The severity rank (critical 4 … info 0) as the findings_by_rank index spells it. */
export const FINDING_RANK = SEVERITY_RANK.replaceAll('severity', 'findings.severity')

const FINDING_SORTS: Readonly<Record<FindingSortKey, readonly string[]>> = {
  severity: [FINDING_RANK, 'findings.first_seen_scan', 'findings.id'],
  firstSeen: ['findings.first_seen_scan', 'findings.id'],
  path: ['findings.path', 'findings.id'],
  rule: ['findings.rule_id', 'findings.id'],
}

const DEFAULT_DIRECTION: Readonly<Record<FindingSortKey, SortDirection>> = {
  severity: 'desc',
  firstSeen: 'desc',
  path: 'asc',
  rule: 'asc',
}

/**
 * `sortKey`: the sort the rows are read in, so that a filter on that sort's leading column is a
 * range of its index, and a filter on another column is either driven by its own index (few
 * rows) or checked row by row while the sort index is walked (many).
 */
function findingWhere(
  db: Db,
  f: FindingFilter,
  iso: string,
  sortKey?: FindingSortKey | 'groups',
): Where | undefined {
  const w = where()
  const statuses = f.statuses ?? ['open']
  if (
    sortKey === 'groups' &&
    f.accepted !== true &&
    statuses.length === 1 &&
    statuses[0] === 'open'
  ) {
    // Spelt as the partial index findings_open_by_rule's condition, so groups read that index.
    w.sql.push(`findings.status = 'open'`)
  } else {
    // `+status`: without it SQLite picks the status index and sorts every open finding; the
    // sort index walk with the status checked per row fills a page after a few rows.
    inList(w, '+findings.status', statuses)
  }
  const ranks = f.severities?.map((s) => SEVERITIES.indexOf(s))
  if (ranks !== undefined) {
    // By rank, as findings_by_rank spells it: under the severity sort a range of that index.
    const drive =
      sortKey === 'severity' ||
      sortKey === undefined ||
      !hasMany(
        db,
        `SELECT 1 FROM findings WHERE ${FINDING_RANK} IN (${ranks.map(() => '?').join(', ')})`,
        ranks,
      )
    inList(w, `${drive ? '' : '+'}${FINDING_RANK}`, ranks)
  }
  if (f.ruleIds !== undefined) {
    const drive =
      sortKey === 'rule' ||
      sortKey === undefined ||
      !hasMany(
        db,
        `SELECT 1 FROM findings WHERE rule_id IN (${f.ruleIds.map(() => '?').join(', ')})`,
        f.ruleIds,
      )
    inList(w, `${drive ? '' : '+'}findings.rule_id`, f.ruleIds)
  }
  if (f.assetId !== undefined) {
    w.sql.push('findings.asset_id = ?')
    w.params.push(f.assetId)
  }
  acceptedFilter(w, f.accepted, iso)
  if (f.kinds !== undefined || f.sources !== undefined || f.verdicts !== undefined) {
    // About the finding's asset: its kind, source, verdict.
    const a = where()
    inList(a, 'x.kind', f.kinds)
    inList(a, 'x.source', f.sources)
    inList(a, 'x.verdict', f.verdicts)
    const assets = `SELECT x.id FROM assets x WHERE ${a.sql.join(' AND ')}`
    const plus = hasMany(db, assets, a.params) ? '+' : ''
    w.sql.push(`${plus}findings.asset_id IN (${assets})`)
    w.params.push(...a.params)
  }
  return textFilter(db, w, FINDING_SEARCH, f.text) ? w : undefined
}

function sortOf(q: FindingQuery): Sort {
  const key = q.sort?.key ?? 'severity'
  const keys = FINDING_SORTS[key]
  if (!keys) throw new QueryError(`unknown finding sort ${String(key)}`)
  const direction = q.sort?.direction ?? DEFAULT_DIRECTION[key]
  if (direction !== 'asc' && direction !== 'desc')
    throw new QueryError(`invalid sort direction ${String(direction)}`)
  const fixed =
    (key === 'severity' && q.severities?.length === 1) ||
    (key === 'rule' && q.ruleIds?.length === 1)
      ? 1
      : 0
  return { id: `finding:${key}:${direction}`, keys, direction, fixed }
}

/**
 * One page of findings, filtered and sorted (default: open findings, most severe first, newest
 * first within a severity), each with a reference to its asset.
 */
export function queryFindings(db: Db, q: FindingQuery = {}, opts?: QueryOptions): Page<FindingRow> {
  const sort = sortOf(q)
  const limit = limitOf(q.limit)
  const offset = offsetOf(q.offset, q.cursor)
  refreshDerived(db)
  const w = findingWhere(db, q, isoNow(opts), q.sort?.key ?? 'severity')
  if (!w) return { items: [] }
  const page = keysetPage<FindingDbRow, FindingRow>(db, {
    columns: FINDING_PAGE_COLUMNS,
    from: 'findings',
    where: w,
    sort,
    limit,
    cursor: q.cursor,
    offset,
    map: toFindingRow,
  })
  const items = withAcceptance(db, withFindingTimes(db, withAssetRefs(db, page.items)), opts)
  return { ...page, items }
}

/** How many findings a filter matches. */
export function countFindings(db: Db, f: FindingFilter = {}, opts?: QueryOptions): number {
  if (f.accepted === false) {
    // The findings not accepted: all of them less the accepted ones (a short list).
    const { accepted: _, ...all } = f
    return countFindings(db, all, opts) - countFindings(db, { ...all, accepted: true }, opts)
  }
  if (
    f.accepted === undefined &&
    f.ruleIds === undefined &&
    f.assetId === undefined &&
    f.kinds === undefined &&
    f.sources === undefined &&
    f.verdicts === undefined &&
    (f.text ?? '').trim() === ''
  ) {
    // Status and severity alone: the summary counts kept with the derived state. A severity
    // matches as the rank filter above does (a severity outside the list ranks as info).
    const ranks = f.severities && new Set(f.severities.map((s) => SEVERITIES.indexOf(s)))
    return countOf(
      currentSummary(db).findings,
      f.statuses ?? ['open'],
      ranks && ((s) => ranks.has(Math.max(0, SEVERITIES.indexOf(s as Severity)))),
    )
  }
  refreshDerived(db)
  const w = findingWhere(db, f, isoNow(opts))
  if (!w) return 0
  return countWhere(db, 'findings', w)
}

/** Groups listed at most (a rule table has a few hundred rules). */
const MAX_GROUPS = 1000

/**
 * The findings a filter matches, counted by severity and rule: most severe first, then the
 * largest groups. A list grouped this way pages each group with queryFindings.
 */
export function findingGroups(db: Db, f: FindingFilter = {}, opts?: QueryOptions): FindingGroups {
  if (f.accepted === false) {
    // Every group less the accepted findings in it (a short list), as countFindings does: one
    // pass over the covering index instead of a check of each finding against the list.
    const { accepted: _, ...all } = f
    const minus = new Map(
      findingGroups(db, { ...all, accepted: true }, opts).groups.map((g) => [
        `${g.severity}\0${g.ruleId}`,
        g.count,
      ]),
    )
    const groups = findingGroups(db, all, opts)
      .groups.map((g) => ({
        ...g,
        count: g.count - (minus.get(`${g.severity}\0${g.ruleId}`) ?? 0),
      }))
      .filter((g) => g.count > 0)
      .sort(
        (a, b) =>
          SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
          b.count - a.count ||
          (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
      )
    return { groups, total: groups.reduce((n, g) => n + g.count, 0) }
  }
  refreshDerived(db)
  const w = findingWhere(db, f, isoNow(opts), 'groups')
  if (!w) return { groups: [], total: 0 }
  const text = w.text?.sql()
  const sql = text ? [...w.sql, text.sql] : w.sql
  const params = text ? [...w.params, ...text.params] : w.params
  // Open findings are counted in findings_open_by_rule's order (no sort of every finding);
  // SQLite would rather take the status index, whose rows it must then group in a temporary
  // tree. Few text matches drive by the search index instead (and accepted findings, by their
  // short list, never take this path: findingWhere spells their status as usual).
  const open = sql[0] === `findings.status = 'open'` && !text?.drive
  const rows = db
    .prepare(
      `SELECT findings.severity AS severity, findings.rule_id AS ruleId, count(*) AS count
       FROM findings ${open ? 'INDEXED BY findings_open_by_rule' : ''}
       ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''}
       GROUP BY findings.severity, findings.rule_id
       ORDER BY ${FINDING_RANK} DESC, count DESC, findings.rule_id LIMIT ?`,
    )
    .all(...params, MAX_GROUPS) as { severity: Severity; ruleId: string; count: number }[]
  // The rule table's title; a rule it does not know (a newer version's) by a finding's own.
  const own = db.prepare(`SELECT title FROM findings WHERE rule_id = ? LIMIT 1`).pluck()
  return {
    groups: rows.map((g) => ({
      ...g,
      title: findRule(g.ruleId)?.title ?? (own.get(g.ruleId) as string | undefined) ?? g.ruleId,
    })),
    total: rows.reduce((n, g) => n + g.count, 0),
  }
}
