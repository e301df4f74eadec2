import { statSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import type { Db } from '../../core'
import { NewerDatabaseError, openDb, StoreError } from '../../core'
import { IpcFault } from '../errors'
import { toIpcError } from '../errors'
import type { OpContext, OpName } from './ops'
import { OPS } from './ops'
import type { DbReply, DbRequest, DbWorkerData } from './protocol'

/**
 * A database worker: owns one SQLite connection and answers the main process's queries, so a slow
 * query or a locked database never blocks Electron's main thread (the window stays responsive).
 * Requests run one at a time in arrival order.
 */
const data = workerData as DbWorkerData
let db: Db | undefined
/** Which file the connection has open (device and inode). */
let opened: string | undefined

/** Reads wait this long for another process's lock before answering "busy" (the UI offers retry). */
const BUSY_MS = 2000

function identity(): string | undefined {
  try {
    const st = statSync(data.dbPath)
    return `${st.dev}:${st.ino}`
  } catch {
    return undefined
  }
}

/**
 * The connection, reopened when the file at the inventory's path is not the one it has open (the
 * file was replaced, restored from a backup or moved away): otherwise the app would go on reading
 * and writing a file nobody can see any more, and lose those writes.
 */
function connection(): Db {
  if (db && identity() !== opened) close()
  if (!db) {
    db = openDb(data.dbPath, { nativeBinding: data.nativeBinding })
    db.pragma(`busy_timeout = ${BUSY_MS}`)
    opened = identity()
  }
  return db
}

function close(): void {
  try {
    db?.close()
  } catch {
    // Already unusable.
  }
  db = undefined
  opened = undefined
}

/** After an I/O-level failure the connection is reopened on the next request. */
function dropOnFailure(e: unknown): void {
  const code = (e as { code?: unknown })?.code
  if (typeof code === 'string' && /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN)/.test(code)) close()
}

let queue = Promise.resolve()

parentPort?.on('message', (req: DbRequest) => {
  queue = queue.then(async () => {
    let reply: DbReply
    try {
      const op = OPS[req.op as OpName] as ((ctx: OpContext, args: unknown) => unknown) | undefined
      if (!op || !Object.prototype.hasOwnProperty.call(OPS, req.op))
        throw new Error(`unknown op ${req.op}`)
      const ctx: OpContext = {
        db: connection(),
        dbPath: data.dbPath,
        user: data.user,
        home: data.home,
        now: () => new Date(),
      }
      reply = { seq: req.seq, ok: true, value: await op(ctx, req.args) }
    } catch (e) {
      dropOnFailure(e)
      // The detail is for the main process's log, never for the page.
      const fault =
        e instanceof NewerDatabaseError
          ? new IpcFault('unavailable', e.message)
          : e instanceof StoreError
            ? new IpcFault(
                'unavailable',
                `${e.message}. AI Scout did not change the file; check that it is the inventory and is readable, then try again.`,
              )
            : e
      reply = { seq: req.seq, ok: false, error: toIpcError(fault), detail: describe(e) }
    }
    parentPort!.postMessage(reply)
  })
})

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string }
  return `${err?.name ?? 'Error'}: ${String(err?.message ?? e)
    .split('\n')[0]!
    .slice(0, 200)}`
}
