import type {
  BatchAck,
  ConfigResponse,
  Directive,
  EnrollResponse,
  InventoryBatch,
  TokenResponse,
} from '../../shared/sync-api'
import { AGENT_API_PREFIX } from '../../shared/sync-api'
import { reevaluatePolicies } from '../policy/store'
import type { Db } from '../storage/db'
import { storeConfig } from './config'
import { deviceFacts } from './device'
import { syncFaultPoint } from './fault'
import { adoptFingerprintKey } from './fingerprint-key'
import { changedItems, currentInventory, NoInventoryError } from './inventory-items'
import type { CurrentInventory, SyncItem } from './inventory-items'
import type { Caps, PlanSummary } from './plan'
import { batchItems, enqueue, planBatches } from './plan'
import type { Plan } from './plan'
import { ackChanges, latestChangeSeq, registerChangeConsumer } from '../storage/change-log'
import type { OutboxRow, SyncState } from './state'
import {
  CLIENT_DEFAULTS,
  outbox,
  outboxCount,
  readState,
  resetForNewServer,
  writeState,
} from './state'
import type { TokenStore } from './token-store'
import type { HttpOutcome, RequestOptions, Transport } from './transport'
import { backoffMs, fetchTransport } from './transport'

export type RetryPolicy = Readonly<{ attempts: number; baseMs: number; capMs: number }>

/** The CLI gives up after a few seconds of retries (the outbox is kept for the next run). */
export const CLI_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, capMs: 4000 }

export type SyncEvent =
  | Readonly<{
      type: 'enrolled'
      deviceId: string
      team: string
      reenrolled: boolean
      keyChanged: boolean
    }>
  | Readonly<{ type: 'queued'; summary: PlanSummary }>
  | Readonly<{ type: 'sent'; seq: number; kind: string; items: number; duplicate: boolean }>
  | Readonly<{ type: 'resync'; reason: string }>
  | Readonly<{ type: 'retry'; what: string; waitMs: number; reason: string }>

export type SyncOptions = Readonly<{
  serverUrl: string
  /** Needed to enroll (first sync, or when the server asks to enroll again). */
  enrollSecret?: string
  tokens: TokenStore
  appVersion: string
  transport?: Transport
  retry?: RetryPolicy
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  onEvent?: (e: SyncEvent) => void
  /**
   * Enroll when not enrolled yet, then stop (`aiscout scan --sync` enrolls before it scans, so the
   * scan already fingerprints keys under the organisation's key).
   */
  enrollOnly?: boolean
}>

export type SyncOutcome =
  | Readonly<{ kind: 'enrolled'; deviceId: string }>
  | Readonly<{
      kind: 'synced'
      deviceId: string
      ackedSeq: number
      sentBatches: number
      sentItems: number
      heldBack: number
    }>
  | Readonly<{ kind: 'unreachable'; message: string; pendingBatches: number }>
  | Readonly<{ kind: 'revoked'; message: string }>
  | Readonly<{ kind: 'enroll-needed'; message: string }>
  | Readonly<{ kind: 'rejected'; message: string }>
  | Readonly<{ kind: 'no-inventory'; message: string }>

/** The sync client's name among the change log's consumers. */
export const SYNC_CONSUMER = 'sync'

/** Resyncs (snapshots) allowed in one run before giving up: a loop guard. */
const MAX_ROUNDS = 3

class Stop extends Error {
  constructor(readonly outcome: SyncOutcome) {
    super(outcome.kind)
  }
}

export function normalizeServerUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new Error(`not a server URL: ${url}`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`the server URL must be http(s): ${url}`)
  if (u.username || u.password) throw new Error('the server URL must not carry credentials')
  return u.toString().replace(/\/+$/, '')
}

/**
 * One sync: enroll if needed, fetch config, queue what changed (or a snapshot when owed), send
 * the queue in order until every batch is acknowledged, then a heartbeat. Safe to interrupt at
 * any point: the queue and the acknowledged state are in the inventory database, and a batch
 * that may have reached the server is resent unchanged (the server acknowledges a duplicate
 * without applying it twice).
 */
export async function syncNow(db: Db, opts: SyncOptions): Promise<SyncOutcome> {
  const base = normalizeServerUrl(opts.serverUrl)
  const api = `${base}${AGENT_API_PREFIX}`
  const transport = opts.transport ?? fetchTransport
  const retry = opts.retry ?? CLI_RETRY
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const random = opts.random ?? Math.random
  const emit = opts.onEvent ?? (() => {})

  let state = readState(db)
  if (state.serverUrl !== undefined && state.serverUrl !== base) {
    // Another server: this one knows nothing of what the previous one acknowledged.
    resetForNewServer(db)
    opts.tokens.clear()
    state = readState(db)
  }
  if (state.revoked) {
    if (!opts.enrollSecret) {
      return {
        kind: 'revoked',
        message:
          'this device was revoked by the server; ask an admin, then sync with --enroll-secret',
      }
    }
    writeState(db, { revoked: false })
    opts.tokens.clear()
    state = readState(db)
  }

  /** One request with retries on network errors, 429, 503 and other 5xx. */
  const call = async (path: string, req: RequestOptions, what: string): Promise<HttpOutcome> => {
    let last: HttpOutcome | undefined
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      if (opts.signal?.aborted) break
      last = await transport(api + path, { ...req, signal: opts.signal })
      const transient =
        last.kind === 'network' ||
        (last.kind === 'error' && (last.status === 429 || last.status >= 500))
      if (!transient) return last
      if (attempt === retry.attempts - 1) break
      const retryAfterS = last.kind === 'error' ? last.retryAfterS : undefined
      const waitMs = backoffMs(
        attempt,
        { ...retry, ...(retryAfterS !== undefined ? { retryAfterS } : {}) },
        random,
      )
      emit({
        type: 'retry',
        what,
        waitMs,
        reason:
          last.kind === 'network'
            ? last.message
            : last.kind === 'error'
              ? `HTTP ${last.status}`
              : '',
      })
      await sleep(waitMs)
    }
    return last ?? { kind: 'network', message: 'aborted', neverSent: true }
  }

  const unreachable = (o: HttpOutcome): Stop => {
    const message =
      o.kind === 'network'
        ? o.message
        : o.kind === 'error'
          ? `HTTP ${o.status}${o.body ? ` ${o.body.error}` : ''}`
          : 'no answer'
    writeState(db, { lastError: message })
    return new Stop({ kind: 'unreachable', message, pendingBatches: outboxCount(db).batches })
  }

  /** Common answers: revoked (stop), unknown token (enroll again). */
  const refusal = (o: HttpOutcome): Stop | undefined => {
    if (o.kind !== 'error') return undefined
    const code = o.body?.error
    if (code === 'device_revoked' || o.body?.action === 'stop') {
      writeState(db, { revoked: true })
      opts.tokens.clear()
      return new Stop({
        kind: 'revoked',
        message: 'this device was revoked by the server; nothing more is sent',
      })
    }
    return undefined
  }

  const enroll = async (): Promise<string> => {
    if (!opts.enrollSecret) {
      throw new Stop({
        kind: 'enroll-needed',
        message: state.deviceId
          ? 'the server asks this device to enroll again: run with --enroll-secret'
          : 'this device is not enrolled yet: run with --enroll-secret (from `aiscout server enroll-secret create`)',
      })
    }
    const r = await call(
      '/enroll',
      {
        method: 'POST',
        json: {
          enrollSecret: opts.enrollSecret,
          device: deviceFacts(state.installationId, opts.appVersion, opts.env),
        },
      },
      'enroll',
    )
    if (r.kind !== 'ok') {
      const stop = refusal(r)
      if (stop) throw stop
      if (r.kind === 'error' && r.status < 500 && r.status !== 429) {
        throw new Stop({
          kind: 'rejected',
          message: `enrollment refused: ${r.body?.message ?? `HTTP ${r.status}`}`,
        })
      }
      throw unreachable(r)
    }
    const e = r.body as EnrollResponse
    // State first, token second: a crash in between costs one more enrollment of the same
    // install (the server keeps the device), never a token without its fingerprint key.
    let keyChanged = false
    db.transaction(() => {
      if (state.deviceId !== e.deviceId || e.reenrolled) {
        // The server starts this device over: it expects a snapshot.
        db.prepare(`DELETE FROM sync_outbox`).run()
        db.prepare(`DELETE FROM sync_acked`).run()
      }
      keyChanged = adoptFingerprintKey(db, e.fingerprintKey)
      writeState(db, {
        serverUrl: base,
        deviceId: e.deviceId,
        team: e.team,
        snapshotNeeded: true,
        revoked: false,
        lastError: undefined,
      })
    })()
    opts.tokens.write(e.deviceToken)
    state = readState(db)
    emit({
      type: 'enrolled',
      deviceId: e.deviceId,
      team: e.team,
      reenrolled: e.reenrolled,
      keyChanged,
    })
    return e.deviceToken
  }

  const handleDirective = (d: Partial<Directive> | undefined): void => {
    // A queued snapshot already answers a resync request.
    const snapshotQueued =
      db.prepare(`SELECT 1 FROM sync_outbox WHERE kind <> 'delta' LIMIT 1`).get() !== undefined
    if (d?.action === 'resync' && !state.snapshotNeeded && !snapshotQueued) {
      writeState(db, { snapshotNeeded: true })
      state = readState(db)
    }
  }

  try {
    let token = opts.tokens.read()
    if (!token) token = await enroll()
    if (state.serverUrl !== base) writeState(db, { serverUrl: base })
    if (opts.enrollOnly) return { kind: 'enrolled', deviceId: readState(db).deviceId ?? '' }

    // Config (settings pushed by the server; 304 keeps what we have).
    let cfg = await call(
      '/config',
      { method: 'GET', token, ifNoneMatch: state.configEtag },
      'config',
    )
    if (cfg.kind === 'error' && cfg.body?.error === 'reenroll') {
      token = await enroll()
      cfg = await call('/config', { method: 'GET', token }, 'config')
    }
    if (cfg.kind === 'ok') {
      const c = cfg.body as ConfigResponse
      storeConfig(db, c)
      // Policies in the new config judge the inventory now, so this sync reports the result.
      reevaluatePolicies(db)
      handleDirective(c)
    }
    // The server is out of reach: what changed is still queued (with the config known so far),
    // so the outbox holds it until the server is back.
    let offline: HttpOutcome | undefined
    if (cfg.kind !== 'ok' && cfg.kind !== 'not-modified') {
      const stop = refusal(cfg)
      if (stop) throw stop
      offline = cfg
    }
    state = readState(db)

    let sentBatches = 0
    let sentItems = 0
    let heldBack = 0
    /** A batch was refused with 400/413 in this run (one smaller replan is tried). */
    let refusedThisRun = false
    for (let round = 0; ; round++) {
      if (round >= MAX_ROUNDS) {
        throw new Stop({
          kind: 'rejected',
          message: 'the server kept asking for a resync; giving up for now',
        })
      }
      // Queue what changed (or the snapshot).
      const settings = state.config?.settings
      const capItems = Math.min(
        settings?.maxBatchItems ?? CLIENT_DEFAULTS.maxBatchItems,
        state.capItems ?? Number.POSITIVE_INFINITY,
      )
      const caps: Caps = {
        maxItems: capItems,
        maxBytes: settings?.maxBatchBytes ?? CLIENT_DEFAULTS.maxBatchBytes,
      }
      let inv
      try {
        inv = currentInventory(db, {
          uploadPaths: settings?.uploadPaths ?? CLIENT_DEFAULTS.uploadPaths,
          fingerprintKeySince: state.fingerprintKeySince,
        })
      } catch (e) {
        if (e instanceof NoInventoryError)
          throw new Stop({ kind: 'no-inventory', message: e.message })
        throw e
      }
      heldBack = inv.heldBack
      // A periodic full snapshot (the server's snapshotIntervalH) repairs any drift between what
      // the client believes the server holds and what it does.
      const everyH = settings?.snapshotIntervalH ?? 0
      const due =
        everyH > 0 &&
        state.lastSnapshotAt !== undefined &&
        Date.now() - Date.parse(state.lastSnapshotAt) > everyH * 3_600_000
      const snapshot = state.snapshotNeeded || due
      const summary = enqueue(db, () => {
        const p = planFromChangeLog(db, inv, state, { snapshot, caps })
        writeState(db, {
          nextSeq: p.summary.nextSeq,
          changeSeq: p.changeSeq,
          optionsKey: p.optionsKey,
          ...(snapshot ? { snapshotNeeded: false, lastSnapshotAt: new Date().toISOString() } : {}),
        })
        if (snapshot) db.prepare(`DELETE FROM sync_acked`).run()
        return p
      })
      state = readState(db)
      const changed =
        summary.assetUpserts +
        summary.assetRemovals +
        summary.findingUpserts +
        summary.findingResolutions
      if (snapshot || changed > 0) emit({ type: 'queued', summary })
      syncFaultPoint('after-enqueue')
      if (offline) throw unreachable(offline)

      // Send the queue in order.
      let replan = false
      for (const row of outbox(db)) {
        db.prepare(`UPDATE sync_outbox SET sent = 1 WHERE seq = ?`).run(row.seq)
        const path = row.kind === 'commit' ? '/inventory/commit' : '/inventory'
        const r = await call(
          path,
          { method: 'POST', token, gzipBody: row.body },
          `batch ${row.seq}`,
        )
        if (r.kind === 'ok') {
          syncFaultPoint('after-send')
          const ack = r.body as BatchAck
          recordAck(db, row)
          sentBatches++
          sentItems += row.items
          emit({
            type: 'sent',
            seq: row.seq,
            kind: row.kind,
            items: row.items,
            duplicate: ack.duplicate,
          })
          state = readState(db)
          handleDirective(ack)
          if (state.snapshotNeeded) {
            replan = true
            break
          }
          continue
        }
        if (r.kind === 'network' && r.neverSent) {
          db.prepare(`UPDATE sync_outbox SET sent = 0 WHERE seq = ?`).run(row.seq)
        }
        const stop = refusal(r)
        if (stop) throw stop
        if (r.kind === 'error' && r.body?.error === 'resync_required') {
          emit({ type: 'resync', reason: r.body.message })
          writeState(db, {
            snapshotNeeded: true,
            nextSeq: Math.max(state.nextSeq, r.body.expectedSeq ?? 0),
          })
          state = readState(db)
          replan = true
          break
        }
        if (r.kind === 'error' && r.body?.error === 'reenroll') {
          token = await enroll()
          replan = true
          break
        }
        if (r.kind === 'error' && (r.status === 400 || r.status === 413)) {
          const reason = `the server refused batch ${row.seq} (HTTP ${r.status}): ${r.body?.message ?? 'no reason given'}`
          // Refused again after replanning smaller: the content itself is refused, and resending
          // it cannot help. Stop this run with the server's reason (it names the item); the next
          // sync plans afresh from the inventory, never retrying the refused body in a loop.
          if (refusedThisRun) {
            writeState(db, { lastError: reason })
            throw new Stop({ kind: 'rejected', message: reason })
          }
          refusedThisRun = true
          // The server cannot take this batch: smaller batches, from a fresh snapshot.
          emit({
            type: 'resync',
            reason: `batch ${row.seq} refused (HTTP ${r.status}): ${r.body?.message ?? ''}`,
          })
          writeState(db, {
            snapshotNeeded: true,
            capItems: Math.max(50, Math.floor(caps.maxItems / 2)),
          })
          state = readState(db)
          replan = true
          break
        }
        throw unreachable(r)
      }
      if (!replan) break
    }

    // Heartbeat: version, backlog, last scan. Its directive may ask for a token rotation.
    const hb = await call(
      '/heartbeat',
      {
        method: 'POST',
        token,
        json: {
          appVersion: opts.appVersion.slice(0, 64),
          hardwareId: deviceFacts(state.installationId, opts.appVersion, opts.env).hardwareId,
          pendingChanges: outboxCount(db).items,
          lastAckedSeq: state.ackedSeq,
          ...lastScan(db),
        },
      },
      'heartbeat',
    )
    if (hb.kind === 'ok') {
      const d = hb.body as Directive
      if (d.rotateToken) {
        const t = await call('/token', { method: 'POST', token }, 'token')
        if (t.kind === 'ok') opts.tokens.write((t.body as TokenResponse).deviceToken)
      }
      handleDirective(d)
    } else {
      const stop = refusal(hb)
      if (stop) throw stop
    }
    writeState(db, { lastSyncAt: new Date().toISOString(), lastError: undefined })
    state = readState(db)
    return {
      kind: 'synced',
      deviceId: state.deviceId ?? '',
      ackedSeq: state.ackedSeq,
      sentBatches,
      sentItems,
      heldBack,
    }
  } catch (e) {
    if (e instanceof Stop) return e.outcome
    throw e
  }
}

/** Changed keys read from the change log beyond this many: the whole inventory is compared. */
const MAX_CHANGED_KEYS = 20_000

/**
 * Plans the next batches. A snapshot reads the whole inventory. Otherwise only the keys the
 * change log (migration 0050) records after the queue's position are compared with what the
 * server holds; the whole inventory is compared instead when the items' shape changed (the
 * server switched `uploadPaths`, held-back keys became sendable), when this inventory has not
 * been planned from the change log yet, or when too many keys changed to hold in memory.
 */
function planFromChangeLog(
  db: Db,
  inv: CurrentInventory,
  state: SyncState,
  opts: Readonly<{ snapshot: boolean; caps: Caps }>,
): Plan & { changeSeq: number; optionsKey: string } {
  const head = latestChangeSeq(db)
  const optionsKey = JSON.stringify([inv.options.uploadPaths, inv.options.home, inv.stale])
  let changes: Map<string, SyncItem | null> | undefined
  if (!opts.snapshot && state.optionsKey === optionsKey && state.changeSeq !== undefined) {
    // Never-sent deltas at the end of the queue are replanned: read from the position of the
    // last batch kept (or what the server acknowledged) instead of the queue's end.
    const rows = db
      .prepare(`SELECT kind, sent, change_seq FROM sync_outbox ORDER BY seq`)
      .all() as { kind: string; sent: number; change_seq: number }[]
    let keep = rows.length
    while (keep > 0 && !rows[keep - 1]!.sent && rows[keep - 1]!.kind === 'delta') keep--
    const from =
      keep < rows.length
        ? keep > 0
          ? rows[keep - 1]!.change_seq
          : (state.ackedChangeSeq ?? 0)
        : state.changeSeq
    changes = changedItems(db, inv, from, MAX_CHANGED_KEYS)
  }
  const p = planBatches(db, inv, {
    snapshot: opts.snapshot,
    nextSeq: state.nextSeq,
    caps: opts.caps,
    changes,
  })
  return { ...p, changeSeq: head, optionsKey }
}

/** The server acknowledged a queued batch: what it holds now, and the queue without it. */
function recordAck(db: Db, row: OutboxRow): void {
  const body = batchItems(row)
  db.transaction(() => {
    const put = db.prepare(`INSERT OR REPLACE INTO sync_acked (entity, key, hash) VALUES (?, ?, ?)`)
    const del = db.prepare(`DELETE FROM sync_acked WHERE entity = ? AND key = ?`)
    if ('mode' in body) {
      const b = body as InventoryBatch
      if (b.mode === 'snapshot' && b.snapshot?.part === 1)
        db.prepare(`DELETE FROM sync_acked`).run()
      for (const it of b.assets) {
        if (it.op === 'upsert') put.run('asset', it.key, it.hash)
        else del.run('asset', it.key)
      }
      for (const it of b.findings) {
        if (it.op === 'upsert') put.run('finding', it.key, it.hash)
        else del.run('finding', it.key)
      }
    }
    db.prepare(`DELETE FROM sync_outbox WHERE seq = ?`).run(row.seq)
    const st = readState(db)
    writeState(db, {
      ackedSeq: Math.max(st.ackedSeq, row.seq),
      ackedChangeSeq: Math.max(st.ackedChangeSeq ?? 0, row.change_seq),
    })
    // The change log may drop what this consumer acknowledged (compaction keeps each key's last).
    if (row.change_seq > 0) {
      registerChangeConsumer(db, SYNC_CONSUMER, { from: 'latest' })
      ackChanges(db, SYNC_CONSUMER, Math.min(row.change_seq, latestChangeSeq(db)))
    }
  })()
}

function lastScan(db: Db): { lastScan?: { id: string; status: string; finishedAt?: string } } {
  const r = db
    .prepare(
      `SELECT id, status, finished_at FROM scans ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get() as { id: string; status: string; finished_at: string | null } | undefined
  if (!r) return {}
  return {
    lastScan: {
      id: r.id.slice(0, 128),
      status: r.status,
      ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
    },
  }
}
