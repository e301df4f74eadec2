import { randomBytes, randomUUID } from 'node:crypto'
import { assetIdFor, findingIdFor } from '../util/ids'
import { findRule } from '../rules'
import type {
  Asset,
  AssetLink,
  Finding,
  HostInfo,
  NewAsset,
  NewFinding,
  ScanStats,
  SkippedEntry,
} from '../types'
import type { Db } from './db'

/** Rows are flushed in batches so the store keeps ≥100k rows/s without holding a scan in memory. */
const BATCH = 2048
/** Asset rows per multi-row INSERT. */
const MULTI = 64
/** Staged asset columns: rowid, then the 12 asset fields. */
const ASSET_COLS = 13

export type ScanWriter = Readonly<{
  scanId: string
  addAsset(a: NewAsset): string
  addFinding(f: NewFinding): string
  addSkipped(s: SkippedEntry): void
  /** Links assets with identical SHA-256 (duplicate weights), merges into the inventory, marks vanished assets gone. */
  complete(stats: ScanStats): void
  /** Records the scan as failed/interrupted; the previous inventory stays as it was. */
  abort(status: 'interrupted' | 'failed', error?: string): void
  counts(): { assets: number; findings: number; skipped: number }
}>

export function installationSecret(db: Db): Buffer {
  const row = db.prepare(`SELECT value FROM settings WHERE key = 'installation-secret'`).get() as
    { value: Buffer } | undefined
  if (row) return Buffer.from(row.value)
  const secret = randomBytes(32)
  db.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES ('installation-secret', ?)`).run(
    secret,
  )
  return installationSecret(db)
}

/** Marks scans left `running` by a killed process as interrupted (their staged rows died with it). */
export function recoverInterruptedScans(db: Db): number {
  return db
    .prepare(
      `UPDATE scans SET status = 'interrupted', error = 'process ended before the scan completed' WHERE status = 'running'`,
    )
    .run().changes
}

/**
 * The digests that make two models copies of each other: a model file's own, and those of a
 * multi-file model's parts (`details.parts[].sha256`, a Hugging Face repo's weights), so a loose
 * copy of a cached repo's weights is linked to the repo.
 */
function weightDigests(a: NewAsset): string[] {
  if (a.kind !== 'model' && a.kind !== 'dataset') return []
  const out = a.sha256 ? [a.sha256] : []
  const parts = a.details?.parts
  if (Array.isArray(parts))
    for (const p of parts) {
      const sha = typeof p === 'object' && p !== null && !Array.isArray(p) ? p.sha256 : undefined
      if (typeof sha === 'string' && sha !== '' && !out.includes(sha)) out.push(sha)
    }
  return out
}

/**
 * Staging lives in a private temporary database (`ATTACH ''`): no WAL traffic while the scan
 * runs, nothing left behind by a killed process, one merge into the real tables at the end.
 */
function attachStage(db: Db): void {
  const attached = (db.prepare(`PRAGMA database_list`).all() as { name: string }[]).some(
    (d) => d.name === 'stage',
  )
  if (!attached) {
    db.exec(`ATTACH DATABASE '' AS stage`)
    // 16 KiB pages (set before the first table): staging 200k rows is 5-10% faster end to end
    // than with the default 4 KiB (bench "inventory writes"); the cache below is in bytes, so
    // memory is unchanged.
    db.pragma('stage.page_size = 16384')
    // Staged rows are disposable (a killed scan just loses them): no journal, no syncs.
    db.pragma('stage.journal_mode = OFF')
    db.pragma('stage.synchronous = OFF')
    db.pragma('stage.cache_size = -16384')
  }
  // Plain rowid tables without indexes: the writer deduplicates in memory (a Map of id → rowid),
  // so inserts are appends. The merge reads them in rowid order: measured, sorting by id first
  // cost more than it saved on first scans and rescans alike.
  db.exec(`
    CREATE TABLE IF NOT EXISTS stage.staged_assets (
      id TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL, links TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS stage.staged_findings (
      id TEXT NOT NULL, rule_id TEXT NOT NULL, severity TEXT NOT NULL,
      title TEXT NOT NULL, message TEXT NOT NULL, path TEXT NOT NULL,
      line INTEGER, asset_id TEXT, member TEXT, offset INTEGER, callable TEXT
    );
    DELETE FROM stage.staged_assets;
    DELETE FROM stage.staged_findings;`)
}

export function beginScan(
  db: Db,
  host: HostInfo,
  roots: readonly string[],
  now = new Date(),
): ScanWriter {
  recoverInterruptedScans(db)
  attachStage(db)
  const scanId = `${now
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${randomUUID().slice(0, 8)}`
  db.prepare(
    `INSERT INTO scans (id, started_at, status, roots, host) VALUES (?, ?, 'running', ?, ?)`,
  ).run(scanId, now.toISOString(), JSON.stringify(roots), JSON.stringify(host))

  const insAsset = db.prepare(
    `INSERT INTO stage.staged_assets (rowid, id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  // New assets go in MULTI rows per statement, their values bound from one flat array (fewer
  // calls across the JS/SQLite boundary, no per-row arrays). The writer numbers the staged rows
  // itself (1, 2, ...: the stage is emptied when a scan begins), so it knows a row's rowid
  // before the row is written and inserts are appends.
  const insAssetMulti = db.prepare(
    `INSERT INTO stage.staged_assets (rowid, id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     VALUES ${Array(MULTI).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
  )
  // A second emission of the same asset (a locator and the crawl, or a store and an analyzer)
  // fills in what the first left empty and merges details; links are merged in memory.
  const mergeAsset = db.prepare(
    `UPDATE stage.staged_assets SET path = ?, name = coalesce(?, name), version = coalesce(?, version),
       format = coalesce(?, format), sha256 = coalesce(?, sha256), size_bytes = coalesce(?, size_bytes),
       source = coalesce(?, source), verdict = coalesce(?, verdict), details = json_patch(details, ?), links = ?
     WHERE rowid = ?`,
  )
  const insFinding = db.prepare(
    `INSERT INTO stage.staged_findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insSkipped = db.prepare(
    `INSERT INTO skipped (scan_id, path, reason, code, message) VALUES (?, ?, ?, ?, ?)`,
  )

  /** Full chunks of MULTI asset rows (flat values), then the chunk being filled (`inCur` rows). */
  let chunks: unknown[][] = []
  let cur: unknown[] = new Array<unknown>(MULTI * ASSET_COLS)
  let inCur = 0
  let findingRows: unknown[][] = []
  let skippedRows: SkippedEntry[] = []
  let buffered = 0
  /** Staged rowid of every asset id of this scan: dedupe without an index on the stage. */
  const rowById = new Map<string, number>()
  /** Rowids up to this one are written; later ones wait in the buffers. */
  let lastRowid = 0
  let writtenRowid = 0
  const findingIds = new Set<string>()
  const linksById = new Map<string, AssetLink[]>()
  /** Model/dataset ids by digest (one id, or several once a copy turns up), to link copies. */
  const idsBySha = new Map<string, string | string[]>()
  let nAssets = 0
  let nFindings = 0
  let nSkipped = 0
  let finished = false

  const writeBuffers = db.transaction(
    (
      full: readonly unknown[][],
      tail: readonly unknown[],
      tailRows: number,
      findings: readonly unknown[][],
      skipped: readonly SkippedEntry[],
    ) => {
      for (const chunk of full) insAssetMulti.run(chunk)
      for (let i = 0; i < tailRows; i++)
        insAsset.run(tail.slice(i * ASSET_COLS, (i + 1) * ASSET_COLS))
      for (const f of findings) insFinding.run(f)
      for (const s of skipped) insSkipped.run(scanId, s.path, s.reason, s.code ?? null, s.message)
    },
  )
  /** Writes everything buffered (a partly filled chunk row by row). */
  const flushAll = (): void => {
    if (buffered === 0) return
    writeBuffers(chunks, cur, inCur, findingRows, skippedRows)
    chunks = []
    cur = new Array<unknown>(MULTI * ASSET_COLS)
    inCur = 0
    findingRows = []
    skippedRows = []
    buffered = 0
    writtenRowid = lastRowid
  }
  const counted = (): void => {
    if (++buffered >= BATCH) flushAll()
  }
  return {
    scanId,
    addAsset(a) {
      const id = assetIdFor(a.kind, a.identity ?? a.path)
      // Late emissions (a probe still running when the scan ended) are dropped, not written.
      if (finished) return id
      let links = linksById.get(id)
      if (a.links?.length) {
        links = mergeLinks(links, a.links)
        linksById.set(id, links)
      }
      for (const sha of weightDigests(a)) {
        const ids = idsBySha.get(sha)
        if (ids === undefined) idsBySha.set(sha, id)
        else if (typeof ids === 'string') {
          if (ids !== id) idsBySha.set(sha, [ids, id])
        } else if (!ids.includes(id)) ids.push(id)
      }
      const details = a.details ? JSON.stringify(a.details) : '{}'
      const linksJson = links?.length ? JSON.stringify(links) : '[]'
      nAssets++
      const staged = rowById.get(id)
      if (staged !== undefined) {
        // The merge of a repeated emission needs the first row stored.
        if (staged > writtenRowid) flushAll()
        mergeAsset.run(
          a.path,
          a.name ?? null,
          a.version ?? null,
          a.format ?? null,
          a.sha256 ?? null,
          a.sizeBytes ?? null,
          a.source ?? null,
          a.verdict ?? null,
          details,
          linksJson,
          staged,
        )
        return id
      }
      const rowid = ++lastRowid
      rowById.set(id, rowid)
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
      if (++inCur === MULTI) {
        chunks.push(cur)
        cur = new Array<unknown>(MULTI * ASSET_COLS)
        inCur = 0
      }
      counted()
      return id
    },
    addFinding(f) {
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
      if (finished || findingIds.has(id)) return id
      findingIds.add(id)
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
      ])
      nFindings++
      counted()
      return id
    },
    addSkipped(s) {
      if (finished) return
      skippedRows.push(s)
      nSkipped++
      counted()
    },
    counts: () => ({ assets: nAssets, findings: nFindings, skipped: nSkipped }),
    complete(stats) {
      if (finished) return
      finished = true
      flushAll()
      const now = new Date().toISOString()
      db.transaction(() => {
        linkDuplicates(db, idsBySha, rowById)
        db.prepare(
          `INSERT INTO assets (id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, status, first_seen_scan, last_seen_scan)
           SELECT id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, 'present', ?, ?
           FROM stage.staged_assets WHERE true
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, path = excluded.path, name = excluded.name,
             version = excluded.version, format = excluded.format, sha256 = excluded.sha256,
             size_bytes = excluded.size_bytes, source = excluded.source, verdict = excluded.verdict,
             details = excluded.details, links = excluded.links, status = 'present',
             last_seen_scan = excluded.last_seen_scan, gone_since = NULL`,
        ).run(scanId, scanId)
        db.prepare(
          `UPDATE assets SET status = 'gone', gone_since = ? WHERE status = 'present' AND last_seen_scan <> ?`,
        ).run(now, scanId)
        db.prepare(
          `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, status, first_seen_scan, last_seen_scan)
           SELECT id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, 'open', ?, ?
           FROM stage.staged_findings WHERE true
           ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, title = excluded.title,
             message = excluded.message, status = 'open', last_seen_scan = excluded.last_seen_scan`,
        ).run(scanId, scanId)
        db.prepare(
          `UPDATE findings SET status = 'resolved' WHERE status = 'open' AND last_seen_scan <> ?`,
        ).run(scanId)
        db.prepare(`DELETE FROM stage.staged_assets`).run()
        db.prepare(`DELETE FROM stage.staged_findings`).run()
        db.prepare(
          `UPDATE scans SET status = 'complete', finished_at = ?, stats = ? WHERE id = ?`,
        ).run(now, JSON.stringify(stats), scanId)
      })()
      db.pragma('wal_checkpoint(PASSIVE)')
    },
    abort(status, error) {
      if (finished) return
      finished = true
      chunks = []
      cur = []
      inCur = 0
      findingRows = []
      skippedRows = []
      buffered = 0
      db.transaction(() => {
        db.prepare(`DELETE FROM stage.staged_assets`).run()
        db.prepare(`DELETE FROM stage.staged_findings`).run()
        db.prepare(`UPDATE scans SET status = ?, finished_at = ?, error = ? WHERE id = ?`).run(
          status,
          new Date().toISOString(),
          error ?? null,
          scanId,
        )
      })()
    },
  }
}

function mergeLinks(
  a: readonly AssetLink[] | undefined,
  b: readonly AssetLink[] | undefined,
): AssetLink[] {
  const out: AssetLink[] = [...(a ?? [])]
  for (const l of b ?? [])
    if (!out.some((x) => x.to === l.to && x.relation === l.relation)) out.push(l)
  return out
}

const MAX_SAME_WEIGHT_LINKS = 16

/**
 * Same weights in two places (two stores, a copy in Downloads): link every copy to the others
 * (up to MAX_SAME_WEIGHT_LINKS of them).
 */
function linkDuplicates(
  db: Db,
  idsBySha: ReadonlyMap<string, string | readonly string[]>,
  rowById: ReadonlyMap<string, number>,
): void {
  const get = db.prepare(`SELECT links FROM stage.staged_assets WHERE rowid = ?`)
  const set = db.prepare(`UPDATE stage.staged_assets SET links = ? WHERE rowid = ?`)
  for (const group of idsBySha.values()) {
    if (typeof group === 'string') continue
    const ids = group
    for (const id of ids) {
      const rowid = rowById.get(id)
      if (rowid === undefined) continue
      const row = get.get(rowid) as { links: string } | undefined
      const links = mergeLinks(
        JSON.parse(row?.links ?? '[]') as AssetLink[],
        // Bounded: a thousand identical files must not cost a million links.
        ids
          .filter((o) => o !== id)
          .slice(0, MAX_SAME_WEIGHT_LINKS)
          .map((to) => ({ to, relation: 'same-weights' })),
      )
      set.run(JSON.stringify(links), rowid)
    }
  }
}

export type { Asset, Finding }
