import { assetIdFor, findingIdFor } from '../util/ids'
import { findRule } from '../rules'
import type { AssetLink, NewAsset, NewFinding, SkippedEntry } from '../types'
import { writePendingRows } from './batched-writes'
import type { Db } from './db'
import type { Origin, PathUse } from './inventory-writer'

/** Rows are flushed in batches so the store keeps ≥100k rows/s without holding a scan in memory. */
const BATCH = 2048
/** Asset rows per multi-row INSERT. */
const MULTI = 64
/** Staged asset columns: rowid, the 12 asset fields, origin and its rank. */
const ASSET_COLS = 15

/**
 * A running scan's rows live in a private temporary database (`ATTACH ''`): no WAL traffic while
 * the scan runs, nothing left behind by a killed process, one merge into the inventory at the end.
 * One scan at a time per connection (concurrent scans use their own connections).
 */
export function attachStage(db: Db): void {
  const attached = (db.prepare(`PRAGMA database_list`).all() as { name: string }[]).some(
    (d) => d.name === 'stage',
  )
  if (!attached) {
    db.exec(`ATTACH DATABASE '' AS stage`)
    // 16 KiB pages (set before the first table): staged rows are written once and read once in
    // order, so bigger pages mean fewer writes (docs/inventory.md: Inventory store); the cache below is in
    // bytes, so memory is unchanged.
    db.pragma('stage.page_size = 16384')
    // Staged rows are disposable (a killed scan just loses them): no journal, no syncs.
    db.pragma('stage.journal_mode = OFF')
    db.pragma('stage.synchronous = OFF')
    db.pragma('stage.cache_size = -16384')
  }
  // Plain rowid tables without indexes: the writer deduplicates in memory (a Map of id → rowid),
  // so inserts are appends. The merge reads them in rowid order.
  db.exec(`
    CREATE TABLE IF NOT EXISTS stage.staged_assets (
      id TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL, links TEXT NOT NULL, origin TEXT NOT NULL, rank INTEGER NOT NULL,
      multi INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS stage.staged_parts (
      asset_id TEXT NOT NULL, origin TEXT NOT NULL, rank INTEGER NOT NULL,
      kind TEXT NOT NULL, path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL, links TEXT NOT NULL,
      PRIMARY KEY (asset_id, origin)
    );
    CREATE TABLE IF NOT EXISTS stage.staged_findings (
      id TEXT NOT NULL, rule_id TEXT NOT NULL, severity TEXT NOT NULL,
      title TEXT NOT NULL, message TEXT NOT NULL, path TEXT NOT NULL,
      line INTEGER, asset_id TEXT, member TEXT, offset INTEGER, callable TEXT, origin TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS stage.staged_finding_origins (
      finding_id TEXT NOT NULL, origin TEXT NOT NULL, PRIMARY KEY (finding_id, origin)
    );
    CREATE TABLE IF NOT EXISTS stage.staged_skipped (
      path TEXT NOT NULL, reason TEXT NOT NULL, code TEXT, message TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS stage.staged_paths (
      origin TEXT NOT NULL, path TEXT NOT NULL, how TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS stage.covered (origin TEXT PRIMARY KEY, rank INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS stage.skip (origin TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS stage.skip_trees (path TEXT PRIMARY KEY);`)
  clearStage(db)
}

export function clearStage(db: Db): void {
  db.exec(`
    DELETE FROM stage.staged_assets; DELETE FROM stage.staged_parts;
    DELETE FROM stage.staged_findings; DELETE FROM stage.staged_finding_origins;
    DELETE FROM stage.staged_paths; DELETE FROM stage.covered; DELETE FROM stage.staged_skipped;
    DELETE FROM stage.skip; DELETE FROM stage.skip_trees;`)
}

export type StageWriter = Readonly<{
  addAsset(a: NewAsset, origin: Origin): string
  addFinding(f: NewFinding, origin: Origin): string
  addSkipped(s: SkippedEntry): void
  notePath(origin: Origin, path: string, use: PathUse): void
  cover(origin: Origin): void
  /** Writes everything buffered; the stage then holds every row of the scan. */
  flush(): void
  /** Drops what is buffered (an aborted scan). */
  discard(): void
  /**
   * The error a write to the stage failed with (its temporary folder is full): the scan cannot
   * be complete, so later rows are dropped and commit reports it.
   */
  failure(): Error | undefined
  counts(): { assets: number; findings: number; skipped: number }
  /** Model/dataset ids by digest (one id, or several once a copy turns up), to link copies. */
  idsBySha: ReadonlyMap<string, string | readonly string[]>
  /** Staged rowid of every asset id of this scan. */
  rowById: ReadonlyMap<string, number>
  /** Rank of every unit that emitted, claimed or was covered (composition order). */
  ranks: ReadonlyMap<string, number>
  /** Asset ids emitted by more than one unit (their parts are in stage.staged_parts). */
  multi: ReadonlySet<string>
}>

/**
 * Buffers a scan's rows and writes them to the stage in batches. A second emission of the same
 * asset by the same unit fills in what the first left empty and merges details and links (later
 * values win); emissions by different units are kept apart as parts and composed at commit.
 */
export function createStageWriter(db: Db): StageWriter {
  const cols = `(rowid, id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, origin, rank)`
  const one = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  const insAsset = db.prepare(`INSERT INTO stage.staged_assets ${cols} VALUES ${one}`)
  // New assets go in MULTI rows per statement, their values bound from one flat array (fewer
  // calls across the JS/SQLite boundary, no per-row arrays). The writer numbers the staged rows
  // itself (1, 2, ...: the stage is emptied when a scan begins), so it knows a row's rowid
  // before the row is written and inserts are appends.
  const insAssetMulti = db.prepare(
    `INSERT INTO stage.staged_assets ${cols} VALUES ${Array(MULTI).fill(one).join(', ')}`,
  )
  const mergeSet = `path = ?, name = coalesce(?, name), version = coalesce(?, version),
       format = coalesce(?, format), sha256 = coalesce(?, sha256), size_bytes = coalesce(?, size_bytes),
       source = coalesce(?, source), verdict = coalesce(?, verdict), details = json_patch(details, ?), links = ?`
  const mergeAsset = db.prepare(`UPDATE stage.staged_assets SET ${mergeSet} WHERE rowid = ?`)
  const markMulti = db.prepare(`UPDATE stage.staged_assets SET multi = 1 WHERE rowid = ?`)
  const partFromRow = db.prepare(
    `INSERT INTO stage.staged_parts (asset_id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     SELECT id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links
     FROM stage.staged_assets WHERE rowid = ?`,
  )
  const insPart = db.prepare(
    `INSERT INTO stage.staged_parts (asset_id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const mergePart = db.prepare(
    `UPDATE stage.staged_parts SET ${mergeSet} WHERE asset_id = ? AND origin = ?`,
  )
  const insFinding = db.prepare(
    `INSERT INTO stage.staged_findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insFindingOrigin = db.prepare(
    `INSERT OR IGNORE INTO stage.staged_finding_origins (finding_id, origin) VALUES (?, ?)`,
  )
  // Skipped entries are staged too: while a scan runs, nothing but the file cache writes to the
  // inventory file (a full disk then fails the cache's writes, not the scan's own rows).
  const insSkipped = db.prepare(
    `INSERT INTO stage.staged_skipped (path, reason, code, message) VALUES (?, ?, ?, ?)`,
  )
  const insPath = db.prepare(`INSERT INTO stage.staged_paths (origin, path, how) VALUES (?, ?, ?)`)

  /** Full chunks of MULTI asset rows (flat values), then the chunk being filled (`inCur` rows). */
  let chunks: unknown[][] = []
  let cur: unknown[] = new Array<unknown>(MULTI * ASSET_COLS)
  let inCur = 0
  let findingRows: unknown[][] = []
  let findingOriginRows: [string, string][] = []
  let skippedRows: SkippedEntry[] = []
  let pathRows: [string, string, string][] = []
  let buffered = 0
  const rowById = new Map<string, number>()
  /** The unit that first emitted each staged row, by rowid. */
  const originOfRow: string[] = ['']
  /** Rowids up to this one are written; later ones wait in the buffers. */
  let lastRowid = 0
  let writtenRowid = 0
  /** Finding id → the unit that first emitted it. */
  const findingOrigin = new Map<string, string>()
  const findingExtra = new Set<string>()
  const linksById = new Map<string, AssetLink[]>()
  /** Links of each part of a multi-unit asset (`id\0origin`). */
  const partLinks = new Map<string, AssetLink[]>()
  const multi = new Set<string>()
  const idsBySha = new Map<string, string | string[]>()
  const ranks = new Map<string, number>()
  const paths = new Set<string>()
  let nAssets = 0
  let nFindings = 0
  let nSkipped = 0

  const writeBuffers = db.transaction(() => {
    // Remembered-file rows (file cache, memo) pending on this connection go first in the same
    // transaction, as a savepoint: one commit for both (batched-writes.ts).
    writePendingRows(db)
    for (const chunk of chunks) insAssetMulti.run(chunk)
    for (let i = 0; i < inCur; i++) insAsset.run(cur.slice(i * ASSET_COLS, (i + 1) * ASSET_COLS))
    for (const f of findingRows) insFinding.run(f)
    for (const [id, o] of findingOriginRows) insFindingOrigin.run(id, o)
    for (const s of skippedRows) insSkipped.run(s.path, s.reason, s.code ?? null, s.message)
    for (const p of pathRows) insPath.run(p)
  })
  const reset = (): void => {
    chunks = []
    cur = new Array<unknown>(MULTI * ASSET_COLS)
    inCur = 0
    findingRows = []
    findingOriginRows = []
    skippedRows = []
    pathRows = []
    buffered = 0
  }
  let failed: Error | undefined
  /** Writes everything buffered (a partly filled chunk row by row). */
  const flush = (): void => {
    if (buffered === 0 || failed) return
    try {
      writeBuffers()
    } catch (e) {
      failed = e as Error
    }
    reset()
    writtenRowid = lastRowid
  }
  const counted = (): void => {
    if (++buffered >= BATCH) flush()
  }
  const rankOf = (o: Origin): void => {
    if (!ranks.has(o.key)) ranks.set(o.key, o.rank)
  }
  const mergeValues = (a: NewAsset, details: string, links: string): unknown[] => [
    a.path,
    a.name ?? null,
    a.version ?? null,
    a.format ?? null,
    a.sha256 ?? null,
    a.sizeBytes ?? null,
    a.source ?? null,
    a.verdict ?? null,
    details,
    links,
  ]

  /** A repeated emission by another unit: the asset becomes parts, one per unit. */
  const addPart = (id: string, rowid: number, a: NewAsset, origin: Origin, details: string) => {
    if (rowid > writtenRowid) flush()
    if (!multi.has(id)) {
      multi.add(id)
      const first = originOfRow[rowid]!
      partFromRow.run(rowid)
      partLinks.set(`${id}\0${first}`, linksById.get(id) ?? [])
      markMulti.run(rowid)
    }
    const key = `${id}\0${origin.key}`
    const had = partLinks.get(key)
    const links = mergeLinks(had, a.links)
    partLinks.set(key, links)
    const linksJson = JSON.stringify(links)
    if (had === undefined) {
      insPart.run(id, origin.key, origin.rank, a.kind, ...mergeValues(a, details, linksJson))
    } else mergePart.run(...mergeValues(a, details, linksJson), id, origin.key)
  }

  return {
    idsBySha,
    rowById,
    ranks,
    multi,
    addAsset(a, origin) {
      const id = assetIdFor(a.kind, a.identity ?? a.path)
      rankOf(origin)
      if (a.sha256 && (a.kind === 'model' || a.kind === 'dataset')) {
        const ids = idsBySha.get(a.sha256)
        if (ids === undefined) idsBySha.set(a.sha256, id)
        else if (typeof ids === 'string') {
          if (ids !== id) idsBySha.set(a.sha256, [ids, id])
        } else if (!ids.includes(id)) ids.push(id)
      }
      const details = a.details ? JSON.stringify(a.details) : '{}'
      nAssets++
      const staged = rowById.get(id)
      if (staged !== undefined) {
        if (multi.has(id) || originOfRow[staged] !== origin.key) {
          addPart(id, staged, a, origin, details)
          return id
        }
        let links = linksById.get(id)
        if (a.links?.length) {
          links = mergeLinks(links, a.links)
          linksById.set(id, links)
        }
        // The merge of a repeated emission needs the first row stored.
        if (staged > writtenRowid) flush()
        mergeAsset.run(
          ...mergeValues(a, details, links?.length ? JSON.stringify(links) : '[]'),
          staged,
        )
        return id
      }
      let linksJson = '[]'
      if (a.links?.length) {
        const links = mergeLinks(undefined, a.links)
        linksById.set(id, links)
        linksJson = JSON.stringify(links)
      }
      const rowid = ++lastRowid
      rowById.set(id, rowid)
      originOfRow[rowid] = origin.key
      const at = inCur * ASSET_COLS
      cur[at] = rowid
      cur[at + 1] = id
      cur[at + 2] = a.kind
      cur[at + 3] = a.path
      cur[at + 4] = a.name ?? null
      cur[at + 5] = a.version ?? null
      cur[at + 6] = a.format ?? null
      cur[at + 7] = a.sha256 ?? null
      cur[at + 8] = a.sizeBytes ?? null
      cur[at + 9] = a.source ?? null
      cur[at + 10] = a.verdict ?? null
      cur[at + 11] = details
      cur[at + 12] = linksJson
      cur[at + 13] = origin.key
      cur[at + 14] = origin.rank
      if (++inCur === MULTI) {
        chunks.push(cur)
        cur = new Array<unknown>(MULTI * ASSET_COLS)
        inCur = 0
      }
      counted()
      return id
    },
    addFinding(f, origin) {
      const rule = findRule(f.ruleId)
      const id = findingIdFor([
        f.ruleId,
        f.path,
        f.line,
        f.member,
        f.offset,
        f.callable,
        f.assetId,
        f.message,
      ])
      rankOf(origin)
      const first = findingOrigin.get(id)
      if (first !== undefined) {
        const key = `${id}\0${origin.key}`
        if (first !== origin.key && !findingExtra.has(key)) {
          findingExtra.add(key)
          findingOriginRows.push([id, origin.key])
          counted()
        }
        return id
      }
      findingOrigin.set(id, origin.key)
      findingRows.push([
        id,
        f.ruleId,
        f.severity ?? rule?.severity ?? 'medium',
        f.title ?? rule?.title ?? f.ruleId,
        f.message,
        f.path,
        f.line ?? null,
        f.assetId ?? null,
        f.member ?? null,
        f.offset ?? null,
        f.callable ?? null,
        origin.key,
      ])
      nFindings++
      counted()
      return id
    },
    addSkipped(s) {
      skippedRows.push(s)
      nSkipped++
      counted()
    },
    notePath(origin, path, use) {
      const key = `${origin.key}\0${use}\0${path}`
      if (paths.has(key)) return
      paths.add(key)
      rankOf(origin)
      pathRows.push([origin.key, path, use])
      counted()
    },
    cover(origin) {
      rankOf(origin)
    },
    flush,
    discard: reset,
    failure: () => failed,
    counts: () => ({ assets: nAssets, findings: nFindings, skipped: nSkipped }),
  }
}

export function mergeLinks(
  a: readonly AssetLink[] | undefined,
  b: readonly AssetLink[] | undefined,
): AssetLink[] {
  const out: AssetLink[] = [...(a ?? [])]
  for (const l of b ?? [])
    if (!out.some((x) => x.to === l.to && x.relation === l.relation)) out.push(l)
  return out
}
