import type { Db } from '../storage/db'
import type { AssetSourceRow, FindingSourceRow } from './derived-rows'
import {
  ASSET_DIFFERS,
  ASSET_ROW_COLUMNS,
  ASSET_TEXT,
  assetWriter,
  FINDING_DIFFERS,
  FINDING_ROW_COLUMNS,
  FINDING_TEXT,
  findingWriter,
  LINK_ROWS,
} from './derived-rows'
import type { StoredSummary, Summary } from './summary'
import {
  assetCountsFromState,
  emptySummary,
  findingCountsFromState,
  loadSummary,
  modelBytesFromState,
  storeSummary,
  summaryFromInventory,
  totalRows,
} from './summary'

/**
 * The query layer's derived state (migrations 0055, 0056): the full-text indexes `asset_search`
 * and `finding_search`, `asset_links` (one row per link, to find who links to an asset), the
 * state rows they were made from, and the summary counts (summary.ts). They are brought up to
 * date here, on the first query after the inventory changed, rather than by triggers: a scan's
 * merge (200k rows) pays nothing for them, and no trigger ties them to the shape of `assets` or
 * `findings`.
 *
 * A refresh reads the change log (storage/change-log.ts) after the position it reached last
 * time, and rewrites the rows of the keys named there, each only where it differs from its state
 * row. It needs only which keys changed, not every step: compaction keeps every key's latest
 * change, so a position older than what compaction removed still finds every key changed since.
 * Every writer of assets and findings records its changes in the log (the store does, in the
 * same transaction); as a guard against one that did not, a refresh that ends with row counts or
 * highest row ids unlike the inventory's compares the whole table instead (as does one whose
 * position lies beyond the log, which is then not this inventory's history).
 */

const POSITION_KEY = 'query-derived'
/** Keys read from the change log per statement (bounds memory on a large refresh). */
const CHUNK = 5000

/** What a refresh is up to date with: the change log's sequence and the highest row ids. */
type Marker = Readonly<{ seq: number; assets: number; findings: number }>
type Position = Marker & Readonly<{ v: 1; summary: StoredSummary }>

function marker(db: Db): Marker {
  return db
    .prepare(
      `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) AS seq,
              coalesce((SELECT max(rowid) FROM assets), 0) AS assets,
              coalesce((SELECT max(rowid) FROM findings), 0) AS findings`,
    )
    .get() as Marker
}

function readPosition(db: Db): Position | undefined {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(POSITION_KEY) as
    { value: Buffer | string } | undefined
  if (row === undefined) return undefined
  try {
    const p = JSON.parse(String(row.value)) as Position
    return p.v === 1 ? p : undefined
  } catch {
    return undefined
  }
}

const upToDate = (p: Position | undefined, m: Marker): boolean =>
  p !== undefined && p.seq === m.seq && p.assets === m.assets && p.findings === m.findings

/** How a refresh brought a table's derived state up to date. */
export type RefreshHow = 'unchanged' | 'built' | 'changes' | 'compared'

export type RefreshResult = Readonly<{
  refreshed: boolean
  /** State rows rewritten. */
  assets: number
  findings: number
  how?: Readonly<{ assets: RefreshHow; findings: RefreshHow }>
}>

const NOTHING: RefreshResult = { refreshed: false, assets: 0, findings: 0 }

/**
 * Brings the derived state up to date with the inventory when it changed since the last refresh
 * and returns the position reached; undefined when it is behind and this connection cannot
 * write (read-only: it reads what the last refresh wrote).
 */
function ensure(db: Db): { result: RefreshResult; position?: Position } {
  const now = marker(db)
  const stored = readPosition(db)
  if (upToDate(stored, now)) return { result: NOTHING, position: stored! }
  if (db.readonly) return { result: NOTHING }
  return db
    .transaction(() => {
      // Read again under the write lock: another connection may have refreshed meanwhile.
      const current = marker(db)
      const pos = readPosition(db)
      if (upToDate(pos, current)) return { result: NOTHING, position: pos! }
      const summary = pos ? loadSummary(pos.summary) : emptySummary()
      const a = refreshTable(db, ASSETS, pos, current, summary)
      const f = refreshTable(db, FINDINGS, pos, current, summary)
      const position: Position = { v: 1, ...current, summary: storeSummary(summary) }
      db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`).run(
        POSITION_KEY,
        JSON.stringify(position),
      )
      const result: RefreshResult = {
        refreshed: true,
        assets: a.rows,
        findings: f.rows,
        how: { assets: a.how, findings: f.how },
      }
      return { result, position }
    })
    .immediate()
}

/**
 * Brings the derived tables up to date with the inventory when it changed since the last
 * refresh. Queries call it themselves; a scan worker may call it right after a scan so the first
 * search does not wait. A read-only connection cannot refresh: it reads what the last refresh
 * wrote.
 */
export function refreshDerived(db: Db): RefreshResult {
  return ensure(db).result
}

/**
 * The summary counts as of now: kept with the derived state, or counted from the inventory when
 * a read-only connection finds that state behind.
 */
export function currentSummary(db: Db): Summary {
  const { position } = ensure(db)
  return position ? loadSummary(position.summary) : summaryFromInventory(db)
}

function isEmpty(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() === undefined
}

/** Fills temp.query_refresh_keys with the keys of `entity` changed after `seq`; their number. */
function changedKeys(db: Db, entity: 'asset' | 'finding', seq: number): number {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS query_refresh_keys (n INTEGER PRIMARY KEY, key TEXT NOT NULL)`,
  )
  db.prepare(`DELETE FROM temp.query_refresh_keys`).run()
  return db
    .prepare(
      `INSERT INTO temp.query_refresh_keys (key)
       SELECT DISTINCT key FROM changes WHERE seq > ? AND entity = ?`,
    )
    .run(seq, entity).changes
}

/** Whether the state holds as many rows as `table`, up to the same highest row id. */
function consistent(
  db: Db,
  table: string,
  state: string,
  counts: ReadonlyMap<string, number>,
  maxRowid: number,
): boolean {
  const n = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  const m = (db.prepare(`SELECT coalesce(max(rid), 0) AS m FROM ${state}`).get() as { m: number }).m
  return n === totalRows(counts) && m === maxRowid
}

type Step = { how: RefreshHow; rows: number }

type Writer<R> = Readonly<{
  out: { rows: number }
  applyAll(rows: readonly R[]): void
  removeAll(rids: readonly number[]): void
}>

/** What differs between refreshing the assets' derived state and the findings'. */
type TableSpec<R> = Readonly<{
  table: 'assets' | 'findings'
  entity: 'asset' | 'finding'
  state: 'query_asset_state' | 'query_finding_state'
  /** The table's alias in `rowColumns` and `differs`. */
  alias: 'a' | 'f'
  rowColumns: string
  differs: string
  /** The first build, set-wise (several times faster than row by row); rows written. */
  build(db: Db, summary: Summary): number
  writer(db: Db, summary: Summary): Writer<R>
  /** Recounts the summary from the state after a comparison. */
  recount(db: Db, summary: Summary): void
  counts(summary: Summary): ReadonlyMap<string, number>
  maxRowid(m: Marker): number
}>

const ASSETS: TableSpec<AssetSourceRow> = {
  table: 'assets',
  entity: 'asset',
  state: 'query_asset_state',
  alias: 'a',
  rowColumns: ASSET_ROW_COLUMNS,
  differs: ASSET_DIFFERS,
  build(db, summary) {
    db.exec(
      `INSERT INTO asset_search (asset_search) VALUES ('delete-all'); DELETE FROM asset_links;`,
    )
    db.prepare(LINK_ROWS('true')).run()
    db.prepare(
      `INSERT INTO query_asset_state (rid, text, links, status, kind, sha256, size)
       SELECT a.rowid, ${ASSET_TEXT}, a.links, a.status, a.kind, a.sha256, a.size_bytes FROM assets a`,
    ).run()
    const rows = db
      .prepare(`INSERT INTO asset_search (rowid, text) SELECT rid, text FROM query_asset_state`)
      .run().changes
    ASSETS.recount(db, summary)
    return rows
  },
  writer: assetWriter,
  recount(db, summary) {
    summary.assets = assetCountsFromState(db)
    summary.modelBytes = modelBytesFromState(db)
  },
  counts: (s) => s.assets,
  maxRowid: (m) => m.assets,
}

const FINDINGS: TableSpec<FindingSourceRow> = {
  table: 'findings',
  entity: 'finding',
  state: 'query_finding_state',
  alias: 'f',
  rowColumns: FINDING_ROW_COLUMNS,
  differs: FINDING_DIFFERS,
  build(db, summary) {
    db.exec(`INSERT INTO finding_search (finding_search) VALUES ('delete-all');`)
    db.prepare(
      `INSERT INTO query_finding_state (rid, text, status, severity)
       SELECT f.rowid, ${FINDING_TEXT}, f.status, f.severity FROM findings f`,
    ).run()
    const rows = db
      .prepare(`INSERT INTO finding_search (rowid, text) SELECT rid, text FROM query_finding_state`)
      .run().changes
    FINDINGS.recount(db, summary)
    return rows
  },
  writer: findingWriter,
  recount(db, summary) {
    summary.findings = findingCountsFromState(db)
  },
  counts: (s) => s.findings,
  maxRowid: (m) => m.findings,
}

/**
 * Brings one table's derived state up to date: a first build when the state is empty, else the
 * rows the change log names since `pos`, else (the log does not account for the table) a
 * comparison of every row with its state row.
 */
function refreshTable<R>(
  db: Db,
  spec: TableSpec<R>,
  pos: Position | undefined,
  now: Marker,
  summary: Summary,
): Step {
  const { table, state, alias: t } = spec
  if (isEmpty(db, state)) return { how: 'built', rows: spec.build(db, summary) }
  const w = spec.writer(db, summary)
  if (pos !== undefined && pos.seq <= now.seq) {
    const n = changedKeys(db, spec.entity, pos.seq)
    const rows = db.prepare(
      `SELECT ${spec.rowColumns} FROM temp.query_refresh_keys k JOIN ${table} ${t} ON ${t}.id = k.key
       LEFT JOIN ${state} s ON s.rid = ${t}.rowid WHERE k.n > ? AND k.n <= ?`,
    )
    for (let lo = 0; lo < n; lo += CHUNK) w.applyAll(rows.all(lo, lo + CHUNK) as R[])
    if (consistent(db, table, state, spec.counts(summary), spec.maxRowid(now)))
      return { how: 'changes', rows: w.out.rows }
  }
  // Compare every row: the state's rows without a source row go, every differing row is rewritten.
  w.removeAll(
    db
      .prepare(
        `SELECT s.rid FROM ${state} s WHERE NOT EXISTS (SELECT 1 FROM ${table} ${t} WHERE ${t}.rowid = s.rid)`,
      )
      .pluck()
      .all() as number[],
  )
  const differing = db.prepare(
    `SELECT ${spec.rowColumns} FROM ${table} ${t} LEFT JOIN ${state} s ON s.rid = ${t}.rowid
     WHERE ${t}.rowid > ? AND ${t}.rowid <= ? AND (${spec.differs})`,
  )
  for (let lo = 0; lo < spec.maxRowid(now); lo += CHUNK * 4)
    w.applyAll(differing.all(lo, lo + CHUNK * 4) as R[])
  spec.recount(db, summary)
  return { how: 'compared', rows: w.out.rows }
}
