import {
  NoInventoryError,
  fileTokenStore,
  previewSync,
  readSyncState,
  syncNow,
  syncStatus,
} from '../../core'
import type { Db, SyncEvent, SyncOutcome } from '../../core'
import { parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { VERSION } from '../version'
import { openCliDb } from './db'

const SPEC = {
  server: { type: 'string' },
  'enroll-secret': { type: 'string' },
  db: { type: 'string' },
  'dry-run': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const

export type SyncFlags = Readonly<{ server?: string; enrollSecret?: string; quiet?: boolean }>

/** The device token sits beside the inventory it belongs to, readable by its user only. */
export function tokenFileFor(dbPath: string): string {
  return `${dbPath}.sync-token`
}

/**
 * `aiscout sync`: sends what changed since the last acknowledged batch (a snapshot the first
 * time). Exit 0 when everything is acknowledged, 2 when the server cannot be reached (the outbox
 * is kept for the next run) or on usage errors, 1 when the server refuses (revoked device,
 * unknown enroll secret, enrollment needed).
 */
export async function runSync(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const { db, path } = openCliDb(io, flags.db as string | undefined, { mustExist: true })
  try {
    if (flags['dry-run'] === true)
      return await dryRun(io, db, path, flags.server as string | undefined)
    return await syncInventory(io, db, path, {
      server: flags.server as string | undefined,
      enrollSecret: flags['enroll-secret'] as string | undefined,
      quiet: flags.quiet === true,
    })
  } finally {
    db.close()
  }
}

function serverFor(db: Db, flag: string | undefined): string {
  const saved = readSyncState(db).serverUrl
  const url = flag ?? saved
  if (!url) throw new UsageError('--server URL is required for the first sync')
  return url
}

/**
 * Before `aiscout scan --sync` scans: enrolls a device that is not enrolled yet, so the scan
 * fingerprints keys under the organisation's key (otherwise they wait for the next scan).
 * Problems are left for the sync after the scan to report.
 */
export async function enrollBeforeScan(
  io: Io,
  db: Db,
  dbPath: string,
  f: SyncFlags,
): Promise<void> {
  const tokens = fileTokenStore(tokenFileFor(dbPath))
  const serverUrl = serverFor(db, f.server)
  if (tokens.read() !== undefined) return
  const o = await syncNow(db, {
    serverUrl,
    enrollSecret: f.enrollSecret ?? (io.env.AISCOUT_ENROLL_SECRET || undefined),
    tokens,
    appVersion: VERSION,
    env: io.env,
    enrollOnly: true,
    onEvent: (e) => {
      if (!f.quiet) io.stderr.write(`${describe(e)}\n`)
    },
  })
  if (o.kind !== 'enrolled' && !f.quiet)
    io.stderr.write(`aiscout: not enrolled yet (${o.kind}); scanning anyway\n`)
}

/** Sync of an open inventory (also `aiscout scan --sync`); returns the exit code. */
export async function syncInventory(io: Io, db: Db, dbPath: string, f: SyncFlags): Promise<number> {
  const serverUrl = serverFor(db, f.server)
  const say = (s: string): void => {
    if (!f.quiet) io.stderr.write(`${s}\n`)
  }
  const outcome = await syncNow(db, {
    serverUrl,
    enrollSecret: f.enrollSecret ?? (io.env.AISCOUT_ENROLL_SECRET || undefined),
    tokens: fileTokenStore(tokenFileFor(dbPath)),
    appVersion: VERSION,
    env: io.env,
    onEvent: (e) => say(describe(e)),
  })
  return report(io, serverUrl, outcome)
}

function describe(e: SyncEvent): string {
  switch (e.type) {
    case 'enrolled':
      return `enrolled as ${e.deviceId} (team ${e.team})${e.reenrolled ? ', again' : ''}${e.keyChanged ? '; key fingerprints now use the organisation key: they are sent after the next scan' : ''}`
    case 'queued': {
      const s = e.summary
      return `queued ${s.snapshot ? 'a snapshot' : 'changes'}: ${s.assetUpserts} assets, ${s.assetRemovals} removed, ${s.findingUpserts} findings, ${s.findingResolutions} resolved${s.heldBack ? ` (${s.heldBack} key fingerprints held back until the next scan)` : ''}`
    }
    case 'sent':
      return `sent batch ${e.seq} (${e.kind}, ${e.items} items)${e.duplicate ? ' (already received)' : ''}`
    case 'resync':
      return `the server asks for a full snapshot: ${e.reason}`
    case 'retry':
      return `${e.what}: ${e.reason}; retrying in ${(e.waitMs / 1000).toFixed(1)} s`
  }
}

function report(io: Io, server: string, o: SyncOutcome): number {
  switch (o.kind) {
    case 'enrolled':
      io.stdout.write(`enrolled with ${server} as ${o.deviceId}\n`)
      return 0
    case 'synced':
      io.stdout.write(
        `synced with ${server}: device ${o.deviceId}, ${o.sentBatches} batches (${o.sentItems} items) sent, everything acknowledged (sequence ${o.ackedSeq})\n`,
      )
      return 0
    case 'unreachable':
      io.stderr.write(
        `aiscout: cannot reach ${server} (${o.message}); ${o.pendingBatches} batches wait in the outbox for the next sync\n`,
      )
      return 2
    case 'no-inventory':
      io.stderr.write(`aiscout: ${o.message}\n`)
      return 2
    case 'revoked':
    case 'enroll-needed':
    case 'rejected':
      io.stderr.write(`aiscout: ${o.message}\n`)
      return 1
  }
}

/** Prints the exact batches the next sync would send (JSON), without sending or queueing. */
async function dryRun(io: Io, db: Db, dbPath: string, server: string | undefined): Promise<number> {
  const status = syncStatus(db, fileTokenStore(tokenFileFor(dbPath)))
  let p
  try {
    p = previewSync(db, { enrolled: status.enrolled })
  } catch (e) {
    if (e instanceof NoInventoryError) {
      io.stderr.write(`aiscout: ${e.message}\n`)
      return 2
    }
    throw e
  }
  const out = io.stdout
  const write = (s: string): Promise<void> =>
    new Promise((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())))
  await write(
    `{\n  "server": ${JSON.stringify(server ?? status.server ?? null)},\n  "deviceId": ${JSON.stringify(p.deviceId ?? null)},\n  "enrolled": ${p.enrolled},\n  "uploadPaths": ${JSON.stringify(p.uploadPaths)},\n  "summary": ${JSON.stringify(p.summary)},\n  "batches": [`,
  )
  let first = true
  for (const b of p.batches) {
    await write(`${first ? '\n' : ',\n'}    ${JSON.stringify(b)}`)
    first = false
  }
  await write(`${first ? ']' : '\n  ]'}\n}\n`)
  return 0
}
