import type { Db } from '../storage/db'

/**
 * The query layer's derived tables (migration 0055): the full-text indexes `asset_search` and
 * `finding_search`, and `asset_links` (one row per link, to find who links to an asset). They are
 * brought up to date here, on the first query after the inventory changed, rather than by
 * triggers: a scan's merge (200k rows) pays nothing for them, only rows whose text or links
 * changed are rewritten, and no trigger ties them to the shape of `assets` or `findings`.
 */

/** What the search index holds for an asset (words of it are searched, never the details). */
const ASSET_TEXT = `coalesce(a.name, '') || ' ' || a.path || ' ' || coalesce(a.sha256, '') || ' ' ||
  coalesce(CASE WHEN a.kind = 'secret' AND json_valid(a.details) THEN json_extract(a.details, '$.fingerprint') END, '')`
/**
 * A finding's searchable text: all of it is part of the finding's id (util/ids.ts), so a
 * finding row, which keeps its rowid across scans, never needs its text rewritten.
 */
const FINDING_TEXT = `f.rule_id || ' ' || f.message || ' ' || f.path`

const MARKER_KEY = 'query-derived-marker'

/**
 * Changes whenever a scan commits: the newest completed scan and the highest row ids. A scan is
 * the only writer of assets and findings, so an unchanged marker means nothing to refresh.
 */
function marker(db: Db): string {
  const r = db
    .prepare(
      `SELECT (SELECT max(rowid) FROM scans WHERE status = 'complete') AS s,
              (SELECT max(rowid) FROM assets) AS a, (SELECT max(rowid) FROM findings) AS f,
              (SELECT count(*) FROM scans) AS n`,
    )
    .get() as { s: number | null; a: number | null; f: number | null; n: number }
  return `${r.s ?? 0}:${r.a ?? 0}:${r.f ?? 0}:${r.n}`
}

function storedMarker(db: Db): string | undefined {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(MARKER_KEY) as
    { value: Buffer | string } | undefined
  return row === undefined ? undefined : String(row.value)
}

export type RefreshResult = Readonly<{
  refreshed: boolean
  assets: number
  findings: number
}>

/**
 * Brings the derived tables up to date with the inventory when a scan has committed since the
 * last refresh. Queries call it themselves; a scan worker may call it right after a scan so the
 * first search does not wait. A read-only connection cannot refresh: it reads what the last
 * refresh wrote.
 */
export function refreshDerived(db: Db): RefreshResult {
  const now = marker(db)
  if (storedMarker(db) === now || db.readonly) return { refreshed: false, assets: 0, findings: 0 }
  return db
    .transaction((): RefreshResult => {
      // Read again under the write lock: another connection may have refreshed meanwhile.
      const current = marker(db)
      if (storedMarker(db) === current) return { refreshed: false, assets: 0, findings: 0 }
      const assets = refreshAssets(db)
      const findings = refreshFindings(db)
      db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`).run(
        MARKER_KEY,
        current,
      )
      return { refreshed: true, assets, findings }
    })
    .immediate()
}

/** Link rows of the assets `where` selects (`a` is the asset), from their links JSON. */
const LINK_ROWS = (where: string): string => `
  INSERT INTO asset_links (from_rowid, to_id, relation)
  SELECT a.rowid, json_extract(j.value, '$.to'), coalesce(json_extract(j.value, '$.relation'), '')
  FROM assets a JOIN json_each(CASE WHEN json_valid(a.links) THEN a.links ELSE '[]' END) j
  WHERE ${where} AND json_type(j.value, '$.to') = 'text'`

function isEmpty(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() === undefined
}

function refreshAssets(db: Db): number {
  if (isEmpty(db, 'asset_search_state')) {
    // First build (a new inventory, or one just migrated): set-wise, several times faster than
    // row by row.
    db.exec(`DELETE FROM asset_links; DELETE FROM asset_search;`)
    db.prepare(LINK_ROWS('true')).run()
    db.prepare(
      `INSERT INTO asset_search_state (rid, text, links) SELECT a.rowid, ${ASSET_TEXT}, a.links FROM assets a`,
    ).run()
    return db
      .prepare(`INSERT INTO asset_search (rowid, text) SELECT rid, text FROM asset_search_state`)
      .run().changes
  }
  let n = 0
  const vanished = db
    .prepare(
      `SELECT s.rid FROM asset_search_state s WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.rowid = s.rid)`,
    )
    .pluck()
    .all() as number[]
  const delState = db.prepare(`DELETE FROM asset_search_state WHERE rid = ?`)
  const delSearch = db.prepare(`DELETE FROM asset_search WHERE rowid = ?`)
  const delLinks = db.prepare(`DELETE FROM asset_links WHERE from_rowid = ?`)
  for (const rid of vanished) {
    delState.run(rid)
    delSearch.run(rid)
    delLinks.run(rid)
    n++
  }
  const changed = db
    .prepare(
      `SELECT a.rowid AS rid, ${ASSET_TEXT} AS text, a.links AS links, s.rid AS had,
              s.text IS NOT (${ASSET_TEXT}) AS textChanged, s.links IS NOT a.links AS linksChanged
       FROM assets a LEFT JOIN asset_search_state s ON s.rid = a.rowid
       WHERE s.rid IS NULL OR s.text IS NOT (${ASSET_TEXT}) OR s.links IS NOT a.links`,
    )
    .all() as {
    rid: number
    text: string
    links: string
    had: number | null
    textChanged: 0 | 1
    linksChanged: 0 | 1
  }[]
  const putState = db.prepare(
    `INSERT OR REPLACE INTO asset_search_state (rid, text, links) VALUES (?, ?, ?)`,
  )
  const insSearch = db.prepare(`INSERT INTO asset_search (rowid, text) VALUES (?, ?)`)
  const insLinks = db.prepare(LINK_ROWS('a.rowid = ?'))
  for (const r of changed) {
    putState.run(r.rid, r.text, r.links)
    if (r.had === null || r.textChanged) {
      if (r.had !== null) delSearch.run(r.rid)
      insSearch.run(r.rid, r.text)
    }
    if (r.had === null || r.linksChanged) {
      delLinks.run(r.rid)
      insLinks.run(r.rid)
    }
    n++
  }
  return n
}

function refreshFindings(db: Db): number {
  if (isEmpty(db, 'finding_search_state')) {
    db.exec(`DELETE FROM finding_search;`)
    db.prepare(
      `INSERT INTO finding_search_state (rid, text) SELECT f.rowid, ${FINDING_TEXT} FROM findings f`,
    ).run()
    return db
      .prepare(
        `INSERT INTO finding_search (rowid, text) SELECT rid, text FROM finding_search_state`,
      )
      .run().changes
  }
  // Rows keep their text (see FINDING_TEXT): new rows are the ones past the highest indexed
  // rowid. Only when the counts then disagree were rows removed or renumbered, and the whole
  // table is compared.
  const high = (db.prepare(`SELECT max(rid) AS m FROM finding_search_state`).get() as { m: number })
    .m
  const ins = db.prepare(`INSERT INTO finding_search (rowid, text) VALUES (?, ?)`)
  const putState = db.prepare(`INSERT INTO finding_search_state (rid, text) VALUES (?, ?)`)
  let n = 0
  const add = (rows: { rid: number; text: string }[]): void => {
    for (const r of rows) {
      putState.run(r.rid, r.text)
      ins.run(r.rid, r.text)
      n++
    }
  }
  add(
    db
      .prepare(`SELECT f.rowid AS rid, ${FINDING_TEXT} AS text FROM findings f WHERE f.rowid > ?`)
      .all(high) as { rid: number; text: string }[],
  )
  const count = (t: string): number =>
    (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
  if (count('findings') === count('finding_search_state')) return n
  const del = db.prepare(`DELETE FROM finding_search WHERE rowid = ?`)
  const delState = db.prepare(`DELETE FROM finding_search_state WHERE rid = ?`)
  for (const rid of db
    .prepare(
      `SELECT s.rid FROM finding_search_state s WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.rowid = s.rid)`,
    )
    .pluck()
    .all() as number[]) {
    delState.run(rid)
    del.run(rid)
    n++
  }
  add(
    db
      .prepare(
        `SELECT f.rowid AS rid, ${FINDING_TEXT} AS text FROM findings f
         WHERE NOT EXISTS (SELECT 1 FROM finding_search_state s WHERE s.rid = f.rowid)`,
      )
      .all() as { rid: number; text: string }[],
  )
  return n
}
