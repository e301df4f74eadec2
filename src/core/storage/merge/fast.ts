import type { AssetLink } from '../../types'
import type { AssetPart } from '../compose'
import { composeParts } from '../compose'
import type { Db } from '../db'
import type { StageWriter } from '../stage'
import type { DerivedFindings } from './derived'
import { withSameWeights } from './derived'

/** Staged and live asset rows hold the same content (every column but status and origin). */
export const SAME_ASSET = `a.kind IS s.kind AND a.path IS s.path AND a.name IS s.name
  AND a.version IS s.version AND a.format IS s.format AND a.sha256 IS s.sha256
  AND a.size_bytes IS s.size_bytes AND a.source IS s.source AND a.verdict IS s.verdict
  AND a.details IS s.details AND a.links IS s.links`

/**
 * Staged assets emitted by several units: their rows are composed from the parts in rank order
 * (the same composition a scoped scan uses), so the result never depends on which unit finished
 * first.
 */
export function composeStagedMulti(db: Db, stage: StageWriter): void {
  if (stage.multi.size === 0) return
  const parts = db.prepare(`SELECT * FROM stage.staged_parts WHERE asset_id = ?`)
  const set = db.prepare(
    `UPDATE stage.staged_assets SET origin = ?, rank = ?, kind = ?, path = ?, name = ?, version = ?, format = ?,
       sha256 = ?, size_bytes = ?, source = ?, verdict = ?, details = ?, links = ? WHERE rowid = ?`,
  )
  for (const id of stage.multi) {
    const c = composeParts(parts.all(id) as AssetPart[])
    set.run(
      c.origin,
      c.rank,
      c.kind,
      c.path,
      c.name,
      c.version,
      c.format,
      c.sha256,
      c.size_bytes,
      c.source,
      c.verdict,
      c.details,
      c.links,
      stage.rowById.get(id),
    )
  }
}

/**
 * `same-weights` links among the staged assets: in a full scan with nothing kept from other
 * scans, the staged models and datasets are exactly the present ones.
 */
export function linkStagedCopies(db: Db, stage: StageWriter): void {
  const groups = new Map<string, Set<string>>()
  for (const [sha, ids] of stage.idsBySha) {
    if (typeof ids === 'string') continue
    groups.set(sha, new Set(ids))
  }
  if (stage.multi.size > 0) {
    // A composed row may carry another digest than one of its parts did.
    const shaOf = db.prepare(`SELECT sha256, kind FROM stage.staged_assets WHERE rowid = ?`)
    for (const g of groups.values()) for (const id of stage.multi) g.delete(id)
    for (const id of stage.multi) {
      const r = shaOf.get(stage.rowById.get(id)) as { sha256: string | null; kind: string }
      if (!r.sha256 || (r.kind !== 'model' && r.kind !== 'dataset')) continue
      const single = stage.idsBySha.get(r.sha256)
      const g =
        groups.get(r.sha256) ?? new Set(typeof single === 'string' && single !== id ? [single] : [])
      g.add(id)
      groups.set(r.sha256, g)
    }
  }
  const get = db.prepare(`SELECT links, kind, sha256 FROM stage.staged_assets WHERE rowid = ?`)
  const set = db.prepare(`UPDATE stage.staged_assets SET links = ? WHERE rowid = ?`)
  for (const [sha, g] of groups) {
    const ids = [...g].sort()
    const members = ids.filter((id) => {
      const r = get.get(stage.rowById.get(id)) as { kind: string; sha256: string | null }
      return r.sha256 === sha && (r.kind === 'model' || r.kind === 'dataset')
    })
    if (members.length < 2) continue
    for (const id of members) {
      const rowid = stage.rowById.get(id)
      const row = get.get(rowid) as { links: string }
      const links = withSameWeights(JSON.parse(row.links) as AssetLink[], id, members)
      set.run(JSON.stringify(links), rowid)
    }
  }
}

/**
 * A full scan that nothing newer overlaps: the staged rows are the new inventory. Set-based
 * statements: the change log rows first (staged vs live), then the upserts, then whatever was
 * present and not staged goes.
 */
export function mergeFull(
  db: Db,
  scanId: string,
  stage: StageWriter,
  derived: () => DerivedFindings,
): void {
  composeStagedMulti(db, stage)
  linkStagedCopies(db, stage)
  db.prepare(
    `INSERT INTO changes (scan_id, entity, key, change)
     SELECT ?, 'asset', s.id, CASE WHEN a.id IS NULL OR a.status = 'gone' THEN 'added' ELSE 'changed' END
     FROM stage.staged_assets s LEFT JOIN assets a ON a.id = s.id
     WHERE a.id IS NULL OR a.status = 'gone' OR NOT (${SAME_ASSET})
     ORDER BY s.rowid`,
  ).run(scanId)
  db.prepare(
    `INSERT INTO assets (id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, status, first_seen_scan, last_seen_scan, origin, origin_rank)
     SELECT id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, 'present', ?, ?, origin, rank
     FROM stage.staged_assets WHERE true
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, path = excluded.path, name = excluded.name,
       version = excluded.version, format = excluded.format, sha256 = excluded.sha256,
       size_bytes = excluded.size_bytes, source = excluded.source, verdict = excluded.verdict,
       details = excluded.details, links = excluded.links, status = 'present',
       last_seen_scan = excluded.last_seen_scan, gone_since = NULL, origin = excluded.origin,
       origin_rank = excluded.origin_rank`,
  ).run(scanId, scanId)
  db.prepare(
    `INSERT INTO changes (scan_id, entity, key, change)
     SELECT ?, 'asset', id, 'gone' FROM assets WHERE status = 'present' AND last_seen_scan <> ?`,
  ).run(scanId, scanId)
  db.prepare(
    `UPDATE assets SET status = 'gone', gone_since = ? WHERE status = 'present' AND last_seen_scan <> ?`,
  ).run(new Date().toISOString(), scanId)
  db.prepare(`DELETE FROM asset_parts`).run()
  db.prepare(
    `INSERT INTO asset_parts (asset_id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     SELECT asset_id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links
     FROM stage.staged_parts WHERE true`,
  ).run()

  // Findings: the derived ones are computed from the merged assets and applied by the caller;
  // they must not be resolved here first.
  const keep = derived()
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS derived_keep (id TEXT PRIMARY KEY); DELETE FROM derived_keep;`,
  )
  const insKeep = db.prepare(`INSERT OR IGNORE INTO derived_keep (id) VALUES (?)`)
  for (const id of keep.keys()) insKeep.run(id)
  db.prepare(
    `INSERT INTO changes (scan_id, entity, key, change)
     SELECT ?, 'finding', s.id, CASE WHEN f.id IS NULL OR f.status = 'resolved' THEN 'opened' ELSE 'changed' END
     FROM stage.staged_findings s LEFT JOIN findings f ON f.id = s.id
     WHERE f.id IS NULL OR f.status = 'resolved' OR f.severity IS NOT s.severity OR f.title IS NOT s.title
     ORDER BY s.rowid`,
  ).run(scanId)
  db.prepare(
    `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, status, first_seen_scan, last_seen_scan, origin)
     SELECT id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, 'open', ?, ?, origin
     FROM stage.staged_findings WHERE true
     ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, title = excluded.title,
       message = excluded.message, status = 'open', last_seen_scan = excluded.last_seen_scan,
       origin = excluded.origin`,
  ).run(scanId, scanId)
  const unseen = `status = 'open' AND last_seen_scan <> ? AND id NOT IN (SELECT id FROM temp.derived_keep)
    AND NOT (origin >= 'derived:' AND origin < 'derived;')`
  db.prepare(
    `INSERT INTO changes (scan_id, entity, key, change)
     SELECT ?, 'finding', id, 'resolved' FROM findings WHERE ${unseen}`,
  ).run(scanId, scanId)
  db.prepare(`UPDATE findings SET status = 'resolved' WHERE ${unseen}`).run(scanId)
  db.prepare(`DELETE FROM finding_origins`).run()
  db.prepare(
    `INSERT INTO finding_origins (finding_id, origin) SELECT finding_id, origin FROM stage.staged_finding_origins WHERE true`,
  ).run()
}
