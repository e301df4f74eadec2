import type { Db } from '../storage/db'
import type { Summary } from './summary'
import { bump } from './summary'

/**
 * Writing the derived state row by row: each source row (an asset or finding as it is now, with
 * the state row it was indexed from, if any) rewrites the search index, the links and the state
 * row only where they differ, and moves the summary counts by the difference. A refresh feeds it
 * the rows the change log names (derived.ts), a comparison the rows that differ.
 */

/** What the search index holds for an asset (words of it are searched, never the details). */
export const ASSET_TEXT = `coalesce(a.name, '') || ' ' || a.path || ' ' || coalesce(a.sha256, '') || ' ' ||
  coalesce(CASE WHEN a.kind = 'secret' AND json_valid(a.details) THEN json_extract(a.details, '$.fingerprint') END, '')`

/**
 * A finding's searchable text: all of it is part of the finding's id (util/ids.ts), so it does
 * not change while the row lives; a row that differs only in status or severity keeps its entry.
 */
export const FINDING_TEXT = `f.rule_id || ' ' || f.message || ' ' || f.path`

/** Link rows of the assets `where` selects (`a` is the asset), from their links JSON. */
export const LINK_ROWS = (where: string): string => `
  INSERT INTO asset_links (from_rowid, to_id, relation)
  SELECT a.rowid, json_extract(j.value, '$.to'), coalesce(json_extract(j.value, '$.relation'), '')
  FROM assets a JOIN json_each(CASE WHEN json_valid(a.links) THEN a.links ELSE '[]' END) j
  WHERE ${where} AND json_type(j.value, '$.to') = 'text'`

/** An asset now (`a`) beside its state row (`s`), for ASSET_ROWS_FROM. */
export const ASSET_ROW_COLUMNS = `a.rowid AS rid, ${ASSET_TEXT} AS text, a.links AS links,
  a.status AS status, a.kind AS kind, a.sha256 AS sha256, a.size_bytes AS size,
  s.rid AS had, s.text AS oldText, s.links AS oldLinks, s.status AS oldStatus, s.kind AS oldKind,
  s.sha256 AS oldSha256, s.size AS oldSize`

export type AssetSourceRow = {
  rid: number
  text: string
  links: string
  status: string
  kind: string
  sha256: string | null
  size: number | null
  had: number | null
  oldText: string | null
  oldLinks: string | null
  oldStatus: string | null
  oldKind: string | null
  oldSha256: string | null
  oldSize: number | null
}

export const FINDING_ROW_COLUMNS = `f.rowid AS rid, ${FINDING_TEXT} AS text, f.status AS status,
  f.severity AS severity, s.rid AS had, s.text AS oldText, s.status AS oldStatus,
  s.severity AS oldSeverity`

export type FindingSourceRow = {
  rid: number
  text: string
  status: string
  severity: string
  had: number | null
  oldText: string | null
  oldStatus: string | null
  oldSeverity: string | null
}

/** Whether an asset row differs from its state row (SQL over ASSET_ROW_COLUMNS' `a` and `s`). */
export const ASSET_DIFFERS = `s.rid IS NULL OR s.text IS NOT (${ASSET_TEXT}) OR s.links IS NOT a.links
  OR s.status IS NOT a.status OR s.kind IS NOT a.kind OR s.sha256 IS NOT a.sha256
  OR s.size IS NOT a.size_bytes`

export const FINDING_DIFFERS = `s.rid IS NULL OR s.text IS NOT (${FINDING_TEXT})
  OR s.status IS NOT f.status OR s.severity IS NOT f.severity`

export type Applied = { rows: number }

const isWeights = (kind: string | null, status: string | null): boolean =>
  kind === 'model' && status === 'present'

/**
 * Writes asset rows into the derived state. Rows are taken a batch at a time: FTS5 writes all
 * its deletions before its insertions (alternating them makes it flush its pending segment each
 * time, several times slower), and the bytes of model files move by the difference in the
 * largest size of each digest the batch touches, read from the query_model_weights index before
 * and after.
 */
export function assetWriter(db: Db, summary: Summary) {
  const delSearch = db.prepare(`DELETE FROM asset_search WHERE rowid = ?`)
  const insSearch = db.prepare(`INSERT INTO asset_search (rowid, text) VALUES (?, ?)`)
  const delLinks = db.prepare(`DELETE FROM asset_links WHERE from_rowid = ?`)
  const insLinks = db.prepare(LINK_ROWS('a.rowid = ?'))
  const put = db.prepare(
    `INSERT OR REPLACE INTO query_asset_state (rid, text, links, status, kind, sha256, size)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const delState = db.prepare(`DELETE FROM query_asset_state WHERE rid = ? RETURNING status, kind`)
  const largest = db.prepare(
    `SELECT coalesce(max(size), 0) AS m FROM query_asset_state
     WHERE sha256 = ? AND kind = 'model' AND status = 'present'`,
  )
  const weightOf = (digests: ReadonlySet<string>): number => {
    let n = 0
    for (const d of digests) n += (largest.get(d) as { m: number }).m
    return n
  }
  const out: Applied = { rows: 0 }
  return {
    out,
    applyAll(rows: readonly AssetSourceRow[]): void {
      const changed = rows.filter(
        (r) =>
          r.had === null ||
          r.text !== r.oldText ||
          r.links !== r.oldLinks ||
          r.status !== r.oldStatus ||
          r.kind !== r.oldKind ||
          r.sha256 !== r.oldSha256 ||
          r.size !== r.oldSize,
      )
      if (changed.length === 0) return
      const digests = new Set<string>()
      let single = 0
      for (const r of changed) {
        for (const [kind, status, sha, size, sign] of [
          [r.oldKind, r.oldStatus, r.oldSha256, r.oldSize, -1],
          [r.kind, r.status, r.sha256, r.size, 1],
        ] as const) {
          if (!isWeights(kind, status)) continue
          if (sha === null) single += sign * (size ?? 0)
          else digests.add(sha)
        }
      }
      const before = weightOf(digests)
      const text = changed.filter((r) => r.had === null || r.text !== r.oldText)
      for (const r of text) if (r.had !== null) delSearch.run(r.rid)
      for (const r of text) insSearch.run(r.rid, r.text)
      for (const r of changed) {
        if (r.had === null || r.links !== r.oldLinks) {
          if (r.had !== null) delLinks.run(r.rid)
          insLinks.run(r.rid)
        }
        put.run(r.rid, r.text, r.links, r.status, r.kind, r.sha256, r.size)
        if (r.had !== null) bump(summary.assets, r.oldStatus!, r.oldKind!, -1)
        bump(summary.assets, r.status, r.kind, 1)
      }
      summary.modelBytes += single + weightOf(digests) - before
      out.rows += changed.length
    },
    /** State rows whose asset row is no longer there (the caller counts model bytes again). */
    removeAll(rids: readonly number[]): void {
      for (const rid of rids) {
        const old = delState.get(rid) as { status: string; kind: string } | undefined
        if (!old) continue
        delLinks.run(rid)
        bump(summary.assets, old.status, old.kind, -1)
        out.rows++
      }
      for (const rid of rids) delSearch.run(rid)
    },
  }
}

export function findingWriter(db: Db, summary: Summary) {
  const delSearch = db.prepare(`DELETE FROM finding_search WHERE rowid = ?`)
  const insSearch = db.prepare(`INSERT INTO finding_search (rowid, text) VALUES (?, ?)`)
  const put = db.prepare(
    `INSERT OR REPLACE INTO query_finding_state (rid, text, status, severity) VALUES (?, ?, ?, ?)`,
  )
  const delState = db.prepare(
    `DELETE FROM query_finding_state WHERE rid = ? RETURNING status, severity`,
  )
  const out: Applied = { rows: 0 }
  return {
    out,
    applyAll(rows: readonly FindingSourceRow[]): void {
      const changed = rows.filter(
        (r) =>
          r.had === null ||
          r.text !== r.oldText ||
          r.status !== r.oldStatus ||
          r.severity !== r.oldSeverity,
      )
      const text = changed.filter((r) => r.had === null || r.text !== r.oldText)
      for (const r of text) if (r.had !== null) delSearch.run(r.rid)
      for (const r of text) insSearch.run(r.rid, r.text)
      for (const r of changed) {
        put.run(r.rid, r.text, r.status, r.severity)
        if (r.had !== null) bump(summary.findings, r.oldStatus!, r.oldSeverity!, -1)
        bump(summary.findings, r.status, r.severity, 1)
      }
      out.rows += changed.length
    },
    removeAll(rids: readonly number[]): void {
      for (const rid of rids) {
        const old = delState.get(rid) as { status: string; severity: string } | undefined
        if (!old) continue
        bump(summary.findings, old.status, old.severity, -1)
        out.rows++
      }
      for (const rid of rids) delSearch.run(rid)
    },
  }
}
