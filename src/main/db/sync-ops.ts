import type { OpContext } from './ops'
import {
  NoInventoryError,
  outboxCount,
  previewSync,
  readSyncState,
  resetSyncState,
  SYNC_CLIENT_DEFAULTS,
  writeSyncState,
} from '../../core'
import type { SharedItem, SyncAttempt, SyncPreviewView, SyncView } from '../../shared/ipc'
import type { Severity } from '../../shared/types'
import { notFound } from '../errors'

type Ctx = OpContext

/** What Settings → Sync shows that the inventory database knows (main adds the rest). */
export type SyncDbView = Omit<SyncView, 'running' | 'nextSyncAt' | 'tokenStorageProblem'>

/** Items per group in the What-is-shared sample unless asked otherwise. */
const DEFAULT_SAMPLE = 5

export const SYNC_OPS = {
  /** Reads only; whether a token is held is main's to say (the token never comes here). */
  syncState(ctx: Ctx, a: { hasToken: boolean }): SyncDbView {
    const s = readSyncState(ctx.db)
    const settings = s.config?.settings
    return {
      enrolled: a.hasToken && s.deviceId !== undefined,
      revoked: s.revoked,
      ...(s.serverUrl ? { server: s.serverUrl } : {}),
      ...(s.deviceId ? { deviceId: s.deviceId } : {}),
      ...(s.team ? { team: s.team } : {}),
      ...(s.enrolledAt ? { enrolledAt: s.enrolledAt } : {}),
      ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}),
      ...(s.lastError ? { lastError: s.lastError } : {}),
      ...(s.lastAttempt ? { lastAttempt: s.lastAttempt as SyncAttempt } : {}),
      pending: outboxCount(ctx.db),
      snapshotNeeded: s.snapshotNeeded,
      uploadPaths: settings?.uploadPaths ?? SYNC_CLIENT_DEFAULTS.uploadPaths,
      ...(settings ? { syncIntervalS: settings.syncIntervalS } : {}),
    }
  },

  /**
   * The next sync's payload, summarised for the screen: core's previewSync (what
   * `aiscout sync --dry-run` prints) walked once, counted, with the first items of each group
   * exactly as they will be sent. Runs in a job worker: it reads the whole inventory.
   */
  syncPreview(ctx: Ctx, a: { enrolled: boolean; sample?: number }): SyncPreviewView {
    const n = a.sample ?? DEFAULT_SAMPLE
    let p
    try {
      p = previewSync(ctx.db, { enrolled: a.enrolled })
    } catch (e) {
      if (e instanceof NoInventoryError)
        throw notFound('Nothing would be shared yet: run a scan first.')
      throw e
    }
    const assetsByKind: Record<string, number> = {}
    const findingsBySeverity: Partial<Record<Severity, number>> = {}
    const removals = { assets: 0, findings: 0 }
    const groups = new Map<string, { total: number; items: SharedItem[] }>()
    const add = (group: string, item: SharedItem): void => {
      let g = groups.get(group)
      if (!g) groups.set(group, (g = { total: 0, items: [] }))
      g.total++
      if (g.items.length < n) g.items.push(item)
    }
    const batches = { queued: 0, planned: 0, items: 0, bytes: 0 }
    for (const b of p.batches) {
      batches[b.status]++
      batches.bytes += Buffer.byteLength(JSON.stringify(b.body))
      if (!('mode' in b.body)) continue
      for (const it of b.body.assets) {
        batches.items++
        if (it.op === 'upsert') {
          assetsByKind[it.kind] = (assetsByKind[it.kind] ?? 0) + 1
          add(it.kind, { op: 'upsert', key: it.key, label: it.kind, data: it.data })
        } else {
          removals.assets++
          add('removed', { op: 'remove', key: it.key, label: 'asset removed' })
        }
      }
      for (const it of b.body.findings) {
        batches.items++
        if (it.op === 'upsert') {
          findingsBySeverity[it.severity] = (findingsBySeverity[it.severity] ?? 0) + 1
          add('findings', {
            op: 'upsert',
            key: it.key,
            label: it.ruleId,
            severity: it.severity,
            data: it.data,
          })
        } else {
          removals.findings++
          add('removed', { op: 'resolve', key: it.key, label: 'finding resolved' })
        }
      }
    }
    // Asset kinds by count, then findings, then removals.
    const order = (g: string): number => (g === 'findings' ? 1 : g === 'removed' ? 2 : 0)
    const samples = [...groups.entries()]
      .sort(([a, x], [b, y]) => order(a) - order(b) || y.total - x.total || a.localeCompare(b))
      .map(([group, g]) => ({ group, total: g.total, items: g.items }))
    return {
      ...(p.server ? { server: p.server } : {}),
      enrolled: p.enrolled,
      uploadPaths: p.uploadPaths === 'full' ? 'full' : 'home',
      home: ctx.home,
      snapshot: p.summary.snapshot,
      batches,
      assetsByKind,
      findingsBySeverity,
      removals,
      heldBack: p.summary.heldBack,
      samples,
    }
  },

  /** The app's last attempt, kept so Settings shows it after a restart. */
  syncRecordAttempt(ctx: Ctx, a: SyncAttempt): boolean {
    writeSyncState(ctx.db, { lastAttempt: a })
    return true
  },

  /** Forgets the server: its state, the outbox and what it acknowledged (the token is main's). */
  syncDisconnect(ctx: Ctx): boolean {
    resetSyncState(ctx.db)
    return true
  },
} as const
