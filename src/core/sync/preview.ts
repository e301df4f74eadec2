import type { InventoryBatch, SnapshotCommit } from '../../shared/sync-api'
import { AGENT_API_PREFIX } from '../../shared/sync-api'
import type { Db } from '../storage/db'
import { currentInventory } from './inventory-items'
import type { PlanSummary } from './plan'
import { batchItems, planBatches } from './plan'
import { CLIENT_DEFAULTS, outbox, readState } from './state'

export type PreviewBatch = Readonly<{
  /** Where it is POSTed (gzip-compressed). */
  path: string
  seq: number
  /** `queued`: already in the outbox (resent exactly as is); `planned`: would be queued now. */
  status: 'queued' | 'planned'
  body: InventoryBatch | SnapshotCommit
}>

export type SyncPreview = Readonly<{
  server?: string
  deviceId?: string
  enrolled: boolean
  uploadPaths: string
  summary: PlanSummary
  batches: Iterable<PreviewBatch>
}>

/**
 * Exactly what the next sync would send, built by the same planner the sync uses, without
 * writing anything or contacting the server (`aiscout sync --dry-run`; the app's "what is
 * shared" view). Batch ids and numbers are given when batches are queued, so a real sync shows
 * the same items under other ids. A device not enrolled yet previews its first snapshot with key
 * fingerprints held back, as they will be until a scan recomputes them under the organisation's
 * key.
 */
export function previewSync(
  db: Db,
  opts: Readonly<{ enrolled: boolean; now?: Date }>,
): SyncPreview {
  const state = readState(db)
  const settings = state.config?.settings
  const uploadPaths = settings?.uploadPaths ?? CLIENT_DEFAULTS.uploadPaths
  const inv = currentInventory(db, {
    uploadPaths,
    fingerprintKeySince: opts.enrolled
      ? state.fingerprintKeySince
      : (opts.now ?? new Date()).toISOString(),
  })
  const snapshot = !opts.enrolled || state.snapshotNeeded
  const plan = planBatches(db, inv, {
    snapshot,
    nextSeq: state.nextSeq,
    caps: {
      maxItems: Math.min(
        settings?.maxBatchItems ?? CLIENT_DEFAULTS.maxBatchItems,
        state.capItems ?? Infinity,
      ),
      maxBytes: settings?.maxBatchBytes ?? CLIENT_DEFAULTS.maxBatchBytes,
    },
  })
  const replaced = new Set(plan.summary.replaces)
  const queued = opts.enrolled && !snapshot ? outbox(db).filter((r) => !replaced.has(r.seq)) : []
  const pathOf = (kind: string) =>
    `${AGENT_API_PREFIX}${kind === 'commit' ? '/inventory/commit' : '/inventory'}`
  return {
    server: state.serverUrl,
    deviceId: state.deviceId,
    enrolled: opts.enrolled,
    uploadPaths,
    summary: plan.summary,
    batches: (function* (): Iterable<PreviewBatch> {
      for (const r of queued)
        yield { path: pathOf(r.kind), seq: r.seq, status: 'queued', body: batchItems(r) }
      for (const b of plan.batches)
        yield { path: pathOf(b.kind), seq: b.seq, status: 'planned', body: b.body }
    })(),
  }
}
