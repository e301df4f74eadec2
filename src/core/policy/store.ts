import { statSync } from 'node:fs'
import type { Db } from '../storage/db'
import type { ChangeRecorder } from '../storage/merge/log'
import { createChangeRecorder, maxChangeSeq, readDelta } from '../storage/merge/log'
import type { AssetKind, Finding, ScanDelta } from '../types'
import { evaluatePolicies } from './evaluate'
import type { PolicyAsset, PolicyContext, PolicyFacts } from './types'

/**
 * Policy findings in the inventory. They are derived from the whole inventory, the config the
 * server pushed (sync_state `config`) and the device's settings, under their own unit
 * `derived:policy`: scans never resolve them (merge/fast.ts and merge/general.ts leave `derived:`
 * units alone); every commit and every changed config re-evaluates them here, so they reach the
 * change log, and from there `aiscout scan`, exports, the app and the next sync, like any finding.
 */
export const POLICY_ORIGIN = 'derived:policy'

/** The device's own facts, in the private `settings` table (never shown or exported). */
const FACTS_KEY = 'policy-facts'

type StoredFacts = { hashing?: boolean; watcher?: boolean }

function storedFacts(db: Db): StoredFacts {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(FACTS_KEY) as
    { value: string | Buffer } | undefined
  if (!row) return {}
  try {
    const v = JSON.parse(String(row.value)) as Record<string, unknown>
    return {
      ...(typeof v.hashing === 'boolean' ? { hashing: v.hashing } : {}),
      ...(typeof v.watcher === 'boolean' ? { watcher: v.watcher } : {}),
    }
  } catch {
    return {}
  }
}

/**
 * Records what a shell knows about the device: the CLI whether its scan hashed model files, the
 * desktop app whether its background watcher is on. Read by the scan-settings policy.
 */
export function recordPolicyFacts(db: Db, facts: StoredFacts): void {
  const next = { ...storedFacts(db), ...facts }
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(FACTS_KEY, JSON.stringify(next))
}

/**
 * The scan section's `hash` (src/shared/settings.ts; on unless saved off). Read here rather than
 * through src/core/settings, which sits above this layer; a malformed row counts as the default.
 */
function hashSetting(db: Db): boolean {
  const row = db.prepare(`SELECT value FROM app_settings WHERE section = 'scan'`).get() as
    { value: string } | undefined
  try {
    return (JSON.parse(row?.value ?? '{}') as { hash?: unknown }).hash !== false
  } catch {
    return true
  }
}

/** Hashing: the stored scan setting and the last recorded run; watcher: as the app reported it. */
export function policyFacts(db: Db): PolicyFacts {
  const f = storedFacts(db)
  const hashing = hashSetting(db) && f.hashing !== false
  return { hashing, ...(f.watcher !== undefined ? { watcher: f.watcher } : {}) }
}

/** The policies of the config the server last pushed ([] before the first sync). */
export function storedPolicies(db: Db): unknown[] {
  const row = db.prepare(`SELECT value FROM sync_state WHERE key = 'config'`).get() as
    { value: string } | undefined
  if (!row) return []
  try {
    const c = JSON.parse(row.value) as { policies?: unknown }
    // A config without a policy list (an older server) has none; a malformed one is reported.
    if (c.policies === undefined) return []
    return Array.isArray(c.policies) ? c.policies : [c.policies]
  } catch {
    return [{ id: 'config', name: 'stored config', enabled: true, rule: null }]
  }
}

function fileMode(path: string): number | undefined {
  try {
    const st = statSync(path)
    return st.isFile() ? st.mode & 0o777 : undefined
  } catch {
    return undefined
  }
}

type AssetRow = {
  id: string
  kind: AssetKind
  path: string
  name: string | null
  format: string | null
  source: string | null
  details: string
}

/** The evaluation context over the inventory database. */
export function policyContext(db: Db, facts: PolicyFacts = policyFacts(db)): PolicyContext {
  const byKind = db.prepare(
    `SELECT id, kind, path, name, format, source, details FROM assets
     WHERE status = 'present' AND kind = ? ORDER BY id`,
  )
  return {
    facts,
    platform: process.platform,
    fileMode,
    *assets(kind) {
      for (const r of byKind.iterate(kind) as IterableIterator<AssetRow>) {
        let details: PolicyAsset['details'] = {}
        try {
          details = JSON.parse(r.details) as PolicyAsset['details']
        } catch {
          // A damaged row: evaluated on its columns alone.
        }
        yield {
          id: r.id,
          kind: r.kind,
          path: r.path,
          details,
          ...(r.name !== null ? { name: r.name } : {}),
          ...(r.format !== null ? { format: r.format } : {}),
          ...(r.source !== null ? { source: r.source } : {}),
        }
      }
    },
  }
}

type LiveRow = {
  id: string
  status: string
  severity: string
  title: string
  message: string
  path: string
  line: number | null
  asset_id: string | null
}

/**
 * Replaces the policy findings with `next`: opens what is new or back, records a change where the
 * severity, title or message changed (a policy edited on the server), resolves what is gone (a
 * policy removed or disabled, a violation fixed). Call inside the commit's transaction.
 */
export function applyPolicyFindings(
  db: Db,
  scanId: string,
  log: ChangeRecorder,
  next: readonly Finding[],
): void {
  const live = new Map(
    (
      db
        .prepare(
          `SELECT id, status, severity, title, message, path, line, asset_id FROM findings WHERE origin = ?`,
        )
        .all(POLICY_ORIGIN) as LiveRow[]
    ).map((r) => [r.id, r]),
  )
  const statusOf = db.prepare(
    `SELECT id, status, severity, title, message, path, line, asset_id FROM findings WHERE id = ?`,
  )
  const upsert = db.prepare(
    `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, status, first_seen_scan, last_seen_scan, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET rule_id = excluded.rule_id, severity = excluded.severity,
       title = excluded.title, message = excluded.message, path = excluded.path, line = excluded.line,
       asset_id = excluded.asset_id, status = 'open', last_seen_scan = excluded.last_seen_scan,
       origin = excluded.origin`,
  )
  const seen = db.prepare(`UPDATE findings SET last_seen_scan = ? WHERE id = ?`)
  const resolve = db.prepare(`UPDATE findings SET status = 'resolved' WHERE id = ?`)
  const ids = new Set<string>()
  for (const f of next) {
    ids.add(f.id)
    const before = live.get(f.id) ?? (statusOf.get(f.id) as LiveRow | undefined)
    const same =
      before !== undefined &&
      before.severity === f.severity &&
      before.title === f.title &&
      before.message === f.message &&
      before.path === f.path &&
      before.line === (f.line ?? null) &&
      before.asset_id === (f.assetId ?? null)
    if (before?.status === 'open' && same) {
      seen.run(scanId, f.id)
      continue
    }
    upsert.run(
      f.id,
      f.ruleId,
      f.severity,
      f.title,
      f.message,
      f.path,
      f.line ?? null,
      f.assetId ?? null,
      scanId,
      scanId,
      POLICY_ORIGIN,
    )
    log.finding(f.id, before?.status === 'open' ? 'changed' : 'opened')
  }
  for (const [id, r] of live) {
    if (r.status !== 'open' || ids.has(id)) continue
    resolve.run(id)
    log.finding(id, 'resolved')
  }
}

/** Evaluates the stored policies against the inventory and applies the result (in a commit). */
export function refreshPolicyFindings(db: Db, scanId: string, log: ChangeRecorder): void {
  applyPolicyFindings(db, scanId, log, evaluatePolicies(storedPolicies(db), policyContext(db)))
}

/**
 * Re-evaluates outside a scan: after a sync stored a changed config, or the app's watcher
 * setting changed. Recorded under the latest completed scan; nothing happens before the first
 * scan (there is no inventory to judge yet). Returns what changed.
 */
export function reevaluatePolicies(db: Db): ScanDelta | undefined {
  const last = db
    .prepare(`SELECT id FROM scans WHERE status = 'complete' ORDER BY seq DESC LIMIT 1`)
    .get() as { id: string } | undefined
  if (!last) return undefined
  let before = 0
  db.transaction(() => {
    before = maxChangeSeq(db)
    refreshPolicyFindings(db, last.id, createChangeRecorder(db, last.id))
  }).immediate()
  return readDelta(db, before)
}
