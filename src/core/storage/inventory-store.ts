import { randomBytes, randomUUID } from 'node:crypto'
import { assetIdFor, findingIdFor } from '../engine/asset-id'
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
const BATCH = 2000

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
 * Staging lives in a private temporary database (`ATTACH ''`): no WAL traffic while the scan
 * runs, nothing left behind by a killed process, one merge into the real tables at the end.
 */
function attachStage(db: Db): void {
  const attached = (db.prepare(`PRAGMA database_list`).all() as { name: string }[]).some(
    (d) => d.name === 'stage',
  )
  if (!attached) db.exec(`ATTACH DATABASE '' AS stage`)
  db.exec(`
    CREATE TABLE IF NOT EXISTS stage.staged_assets (
      scan_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL, links TEXT NOT NULL,
      PRIMARY KEY (scan_id, id)
    );
    CREATE TABLE IF NOT EXISTS stage.staged_findings (
      scan_id TEXT NOT NULL, id TEXT NOT NULL, rule_id TEXT NOT NULL, severity TEXT NOT NULL,
      title TEXT NOT NULL, message TEXT NOT NULL, path TEXT NOT NULL,
      line INTEGER, asset_id TEXT, member TEXT, offset INTEGER, callable TEXT,
      PRIMARY KEY (scan_id, id)
    );`)
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

  const insAsset = db.prepare(`
    INSERT INTO stage.staged_assets (scan_id, id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
    VALUES (@scan_id, @id, @kind, @path, @name, @version, @format, @sha256, @size_bytes, @source, @verdict, @details, @links)
    ON CONFLICT (scan_id, id) DO UPDATE SET
      path = excluded.path, name = coalesce(excluded.name, name), version = coalesce(excluded.version, version),
      format = coalesce(excluded.format, format), sha256 = coalesce(excluded.sha256, sha256),
      size_bytes = coalesce(excluded.size_bytes, size_bytes), source = coalesce(excluded.source, source),
      verdict = coalesce(excluded.verdict, verdict), details = json_patch(details, excluded.details),
      links = excluded.links`)
  const insFinding = db.prepare(`
    INSERT OR REPLACE INTO stage.staged_findings (scan_id, id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable)
    VALUES (@scan_id, @id, @rule_id, @severity, @title, @message, @path, @line, @asset_id, @member, @offset, @callable)`)
  const insSkipped = db.prepare(
    `INSERT INTO skipped (scan_id, path, reason, code, message) VALUES (?, ?, ?, ?, ?)`,
  )

  type Pending =
    | { t: 'a'; row: Record<string, unknown> }
    | { t: 'f'; row: Record<string, unknown> }
    | { t: 's'; row: SkippedEntry }
  let pending: Pending[] = []
  const linksById = new Map<string, AssetLink[]>()
  let nAssets = 0
  let nFindings = 0
  let nSkipped = 0
  let finished = false

  const flush = db.transaction((rows: Pending[]) => {
    for (const p of rows) {
      switch (p.t) {
        case 'a':
          insAsset.run(p.row)
          break
        case 'f':
          insFinding.run(p.row)
          break
        case 's':
          insSkipped.run(scanId, p.row.path, p.row.reason, p.row.code ?? null, p.row.message)
          break
      }
    }
  })
  const push = (p: Pending): void => {
    pending.push(p)
    if (pending.length >= BATCH) {
      const rows = pending
      pending = []
      flush(rows)
    }
  }

  return {
    scanId,
    addAsset(a) {
      const id = assetIdFor(a.kind, a.identity ?? a.path)
      const links = mergeLinks(linksById.get(id), a.links)
      if (links.length) linksById.set(id, links)
      push({
        t: 'a',
        row: {
          scan_id: scanId,
          id,
          kind: a.kind,
          path: a.path,
          name: a.name ?? null,
          version: a.version ?? null,
          format: a.format ?? null,
          sha256: a.sha256 ?? null,
          size_bytes: a.sizeBytes ?? null,
          source: a.source ?? null,
          verdict: a.verdict ?? null,
          details: JSON.stringify(a.details ?? {}),
          links: JSON.stringify(links),
        },
      })
      nAssets++
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
      push({
        t: 'f',
        row: {
          scan_id: scanId,
          id,
          rule_id: f.ruleId,
          severity: f.severity ?? rule?.severity ?? 'medium',
          title: f.title ?? rule?.title ?? f.ruleId,
          message: f.message,
          path: f.path,
          line: f.line ?? null,
          asset_id: f.assetId ?? null,
          member: f.member ?? null,
          offset: f.offset ?? null,
          callable: f.callable ?? null,
        },
      })
      nFindings++
      return id
    },
    addSkipped(s) {
      push({ t: 's', row: s })
      nSkipped++
    },
    counts: () => ({ assets: nAssets, findings: nFindings, skipped: nSkipped }),
    complete(stats) {
      if (finished) return
      finished = true
      flush(pending)
      pending = []
      const now = new Date().toISOString()
      db.transaction(() => {
        linkDuplicates(db, scanId)
        db.prepare(
          `INSERT INTO assets (id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, status, first_seen_scan, last_seen_scan)
           SELECT id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, 'present', scan_id, scan_id
           FROM stage.staged_assets WHERE scan_id = ?
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, path = excluded.path, name = excluded.name,
             version = excluded.version, format = excluded.format, sha256 = excluded.sha256,
             size_bytes = excluded.size_bytes, source = excluded.source, verdict = excluded.verdict,
             details = excluded.details, links = excluded.links, status = 'present',
             last_seen_scan = excluded.last_seen_scan, gone_since = NULL`,
        ).run(scanId)
        db.prepare(
          `UPDATE assets SET status = 'gone', gone_since = ? WHERE status = 'present' AND last_seen_scan <> ?`,
        ).run(now, scanId)
        db.prepare(
          `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, status, first_seen_scan, last_seen_scan)
           SELECT id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, 'open', scan_id, scan_id
           FROM stage.staged_findings WHERE scan_id = ?
           ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, title = excluded.title,
             message = excluded.message, status = 'open', last_seen_scan = excluded.last_seen_scan`,
        ).run(scanId)
        db.prepare(
          `UPDATE findings SET status = 'resolved' WHERE status = 'open' AND last_seen_scan <> ?`,
        ).run(scanId)
        db.prepare(`DELETE FROM stage.staged_assets WHERE scan_id = ?`).run(scanId)
        db.prepare(`DELETE FROM stage.staged_findings WHERE scan_id = ?`).run(scanId)
        db.prepare(
          `UPDATE scans SET status = 'complete', finished_at = ?, stats = ? WHERE id = ?`,
        ).run(now, JSON.stringify(stats), scanId)
      })()
      db.pragma('wal_checkpoint(PASSIVE)')
    },
    abort(status, error) {
      if (finished) return
      finished = true
      pending = []
      db.transaction(() => {
        db.prepare(`DELETE FROM stage.staged_assets WHERE scan_id = ?`).run(scanId)
        db.prepare(`DELETE FROM stage.staged_findings WHERE scan_id = ?`).run(scanId)
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

/** Same weights in two places (two stores, a copy in Downloads): link every copy to the others. */
function linkDuplicates(db: Db, scanId: string): void {
  const groups = db
    .prepare(
      `SELECT sha256, json_group_array(id) AS ids FROM stage.staged_assets
       WHERE scan_id = ? AND kind IN ('model','dataset') AND sha256 IS NOT NULL
       GROUP BY sha256 HAVING count(*) > 1`,
    )
    .all(scanId) as { sha256: string; ids: string }[]
  const get = db.prepare(`SELECT links FROM stage.staged_assets WHERE scan_id = ? AND id = ?`)
  const set = db.prepare(`UPDATE stage.staged_assets SET links = ? WHERE scan_id = ? AND id = ?`)
  for (const g of groups) {
    const ids = JSON.parse(g.ids) as string[]
    for (const id of ids) {
      const row = get.get(scanId, id) as { links: string } | undefined
      const links = mergeLinks(
        JSON.parse(row?.links ?? '[]') as AssetLink[],
        ids.filter((o) => o !== id).map((to) => ({ to, relation: 'same-weights' })),
      )
      set.run(JSON.stringify(links), scanId, id)
    }
  }
}

export type { Asset, Finding }
