import type { Db } from '../storage/db'
import { acceptanceOf, isExpired } from '../storage/accepted-risks'
import { SEVERITY_RANK } from '../storage/migrations/0055-query-indexes'
import { SEVERITIES } from '../types'
import type { AssetRow, FindingRow, QueryOptions } from '../../shared/query'
import type { Where } from './paging'

/**
 * Accepted risk in the query layer. An acceptance (storage/accepted-risks.ts) takes a finding
 * out of what a user counts as open until it expires, so "open" in a count, a filter or an
 * asset's open findings means: status open and no acceptance in force at the query's time.
 * Users accept findings one by one: the acceptances in force are a short list, read once per
 * statement as a materialised subquery.
 */

/** The ISO time a query judges expiry at. */
export function isoNow(opts: QueryOptions | undefined): string {
  return (opts?.now ?? new Date()).toISOString()
}

/** The ids of findings under an acceptance in force at the bound parameter (an ISO time). */
export const IN_FORCE = `SELECT finding_id FROM accepted_risks WHERE expires_at IS NULL OR expires_at > ?`

/**
 * IN_FORCE with the time written in. For sort keys, which carry no parameters; `iso` comes from
 * Date.toISOString (digits, `-`, `:`, `.`, `T`, `Z`), checked again here.
 */
export function inForceAt(iso: string): string {
  if (!/^[0-9TZ:.+-]+$/.test(iso)) throw new Error(`not an ISO time: ${iso}`)
  return IN_FORCE.replace('?', `'${iso}'`)
}

/** Whether any acceptance is in force (when none is, every open count is already right). */
export function anyInForce(db: Db, iso: string): boolean {
  return db.prepare(`${IN_FORCE} LIMIT 1`).get(iso) !== undefined
}

/** Restricts `w` (over `findings`) to findings under an acceptance in force, or to the others. */
export function acceptedFilter(w: Where, accepted: boolean | undefined, iso: string): void {
  if (accepted === undefined) return
  // The in-force list is short: driving by it when accepted, a per-row check when not.
  w.sql.push(accepted ? `findings.id IN (${IN_FORCE})` : `+findings.id NOT IN (${IN_FORCE})`)
  w.params.push(iso)
}

/** Each finding with its acceptance, in force or expired (the UI says when it lapsed). */
export function withAcceptance(
  db: Db,
  rows: readonly FindingRow[],
  opts?: QueryOptions,
): FindingRow[] {
  if (rows.length === 0 || db.prepare(`SELECT 1 FROM accepted_risks LIMIT 1`).get() === undefined)
    return [...rows]
  const now = opts?.now ?? new Date()
  return rows.map((f) => {
    const a = acceptanceOf(db, f.id)
    if (!a) return f
    // Everything the store records about the acceptance travels (rule id and path excepted:
    // the finding has its own).
    const { ruleId: _rule, path: _path, ...kept } = a
    return { ...f, acceptance: { ...kept, expired: isExpired(a, now) } }
  })
}

/**
 * The rows' open findings and most severe open finding again, leaving out findings under an
 * acceptance in force (the row's columns count every open finding).
 */
export function withOpenCounts(db: Db, rows: readonly AssetRow[], opts?: QueryOptions): AssetRow[] {
  const iso = isoNow(opts)
  if (rows.length === 0 || !anyInForce(db, iso)) return [...rows]
  const ids = rows.map((r) => r.id)
  const counts = db
    .prepare(
      `SELECT asset_id AS id, count(*) AS n, max(${SEVERITY_RANK}) AS worst FROM findings
       WHERE asset_id IN (${ids.map(() => '?').join(', ')}) AND +status = 'open'
         AND +id NOT IN (${IN_FORCE}) GROUP BY asset_id`,
    )
    .all(...ids, iso) as { id: string; n: number; worst: number }[]
  const by = new Map(counts.map((c) => [c.id, c]))
  return rows.map((r) => {
    const c = by.get(r.id)
    const { maxSeverity: _was, ...rest } = r
    const worst = c ? SEVERITIES[c.worst] : undefined
    return { ...rest, openFindings: c?.n ?? 0, ...(worst ? { maxSeverity: worst } : {}) }
  })
}
