import { findingIdFor } from '../../util/ids'
import { findRule } from '../../rules'
import type { KeyPlace } from '../../secrets/reuse'
import { keyReuseFindings } from '../../secrets/reuse'
import type { AssetLink } from '../../types'
import type { Db } from '../db'
import type { ChangeRecorder } from './log'

/**
 * What the store derives from the whole inventory rather than from one unit of work, recomputed
 * at every commit so a scoped scan leaves it exactly as a full scan would:
 * - `same-weights` links between present model and dataset assets with the same SHA-256;
 * - `posture.key-reused` findings for a key the secrets pass found in several files.
 */

const MAX_SAME_WEIGHT_LINKS = 16
export const SAME_WEIGHTS = 'same-weights'
export const KEY_REUSED_ORIGIN = 'derived:key-reused'

/**
 * An asset's links with its `same-weights` links replaced: one to each other copy (sorted by id,
 * at most MAX_SAME_WEIGHT_LINKS: a thousand identical files must not cost a million links).
 */
export function withSameWeights(
  links: readonly AssetLink[],
  id: string,
  group: readonly string[],
): AssetLink[] {
  const out = links.filter((l) => l.relation !== SAME_WEIGHTS)
  for (const to of group.filter((o) => o !== id).slice(0, MAX_SAME_WEIGHT_LINKS))
    out.push({ to, relation: SAME_WEIGHTS })
  return out
}

/** The key-reused findings the present inventory calls for, by finding id (insert values). */
export type DerivedFindings = ReadonlyMap<string, readonly unknown[]>

/**
 * The same key (by fingerprint) in several files the secrets pass read. Computed from the
 * present secret assets once the assets are merged; applied by applyDerivedFindings as the unit
 * `derived:key-reused`.
 */
export function computeKeyReuse(db: Db): DerivedFindings {
  const rows = db
    .prepare(
      `SELECT a.id, a.path, a.details FROM assets a
       WHERE a.kind = 'secret' AND a.status = 'present'
         AND ((a.origin >= 'secrets:' AND a.origin < 'secrets;')
           OR a.id IN (SELECT asset_id FROM asset_parts WHERE origin >= 'secrets:' AND origin < 'secrets;'))`,
    )
    .all() as { id: string; path: string; details: string }[]
  const byKey = new Map<string, KeyPlace[]>()
  for (const r of rows) {
    const d = JSON.parse(r.details) as Record<string, unknown>
    if (typeof d.fingerprint !== 'string') continue
    const list = byKey.get(d.fingerprint) ?? []
    list.push({
      ref: r.id,
      path: r.path,
      line: typeof d.line === 'number' ? d.line : 0,
      provider: String(d.provider ?? 'AI'),
      redacted: String(d.redacted ?? ''),
    })
    byKey.set(d.fingerprint, list)
  }
  const rule = findRule('posture.key-reused')
  const next = new Map<string, unknown[]>()
  for (const { finding: f, ref } of keyReuseFindings(byKey.values())) {
    const id = findingIdFor([
      f.ruleId,
      f.path,
      f.line,
      undefined,
      undefined,
      undefined,
      ref,
      f.message,
    ])
    next.set(id, [
      id,
      f.ruleId,
      rule?.severity ?? 'medium',
      rule?.title ?? f.ruleId,
      f.message,
      f.path,
      f.line ?? null,
      ref,
    ])
  }
  return next
}

/** Opens what `next` holds and is not open, resolves what the unit held before and `next` lacks. */
export function applyDerivedFindings(
  db: Db,
  scanId: string,
  log: ChangeRecorder,
  next: DerivedFindings,
): void {
  const live = db
    .prepare(`SELECT id, status FROM findings WHERE origin = ?`)
    .all(KEY_REUSED_ORIGIN) as { id: string; status: string }[]
  const liveStatus = new Map(live.map((r) => [r.id, r.status]))
  const statusOf = db.prepare(`SELECT status FROM findings WHERE id = ?`)
  for (const id of next.keys()) {
    if (!liveStatus.has(id)) {
      const r = statusOf.get(id) as { status: string } | undefined
      if (r) liveStatus.set(id, r.status)
    }
  }
  const upsert = db.prepare(
    `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, status, first_seen_scan, last_seen_scan, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = 'open', last_seen_scan = excluded.last_seen_scan, origin = excluded.origin`,
  )
  const seen = db.prepare(`UPDATE findings SET last_seen_scan = ? WHERE id = ?`)
  const resolve = db.prepare(`UPDATE findings SET status = 'resolved' WHERE id = ?`)
  for (const [id, row] of next) {
    if (liveStatus.get(id) === 'open') {
      seen.run(scanId, id)
      continue
    }
    upsert.run(...row, scanId, scanId, KEY_REUSED_ORIGIN)
    log.finding(id, 'opened')
  }
  for (const [id, status] of liveStatus) {
    if (status !== 'open' || next.has(id)) continue
    resolve.run(id)
    log.finding(id, 'resolved')
  }
}
