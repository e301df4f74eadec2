import { Worker } from 'node:worker_threads'
import { IpcFault } from './errors'
import type { OpArgs, OpName, OpResult } from './db/ops'
import type { DbReply, DbRequest, DbWorkerData } from './db/protocol'

export type DbClient = Readonly<{
  /** A query on the long-lived query worker (requests run in order). */
  call<K extends OpName>(op: K, args?: OpArgs<K>): Promise<OpResult<K>>
  /** A long job (an export, a model report) on a worker of its own, so queries go on meanwhile. */
  job<K extends OpName>(op: K, args?: OpArgs<K>): Promise<OpResult<K>>
  close(): Promise<void>
}>

export type DbClientOptions = Readonly<
  DbWorkerData & {
    /** Path of the built worker (out/main/db-worker.js). */
    workerPath: string
    /** Worker-side details of failures (for the app log). */
    onFailure?(op: string, detail: string): void
  }
>

/**
 * Main's side of the database workers. The query worker is started on first use and again after
 * it dies (a crash fails the calls in flight with `unavailable`, the next call gets a new one).
 */
export function createDbClient(opts: DbClientOptions): DbClient {
  const data: DbWorkerData = {
    dbPath: opts.dbPath,
    user: opts.user,
    home: opts.home,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  }
  let seq = 0
  type Pending = { resolve(v: unknown): void; reject(e: unknown): void; op: string }
  let query: { worker: Worker; pending: Map<number, Pending> } | undefined
  const jobs = new Set<Worker>()

  const settle = (pending: Map<number, Pending>, r: DbReply): void => {
    const p = pending.get(r.seq)
    if (!p) return
    pending.delete(r.seq)
    if (r.ok) p.resolve(r.value)
    else {
      if (r.detail) opts.onFailure?.(p.op, r.detail)
      p.reject(new IpcFault(r.error.code, r.error.message))
    }
  }
  const failAll = (pending: Map<number, Pending>, why: string): void => {
    for (const p of pending.values())
      p.reject(new IpcFault('unavailable', `The inventory worker stopped (${why}). Try again.`))
    pending.clear()
  }
  const start = (): { worker: Worker; pending: Map<number, Pending> } => {
    const worker = new Worker(opts.workerPath, { workerData: data })
    const pending = new Map<number, Pending>()
    const q = { worker, pending }
    worker.on('message', (r: DbReply) => settle(pending, r))
    worker.on('error', (e) => {
      opts.onFailure?.('worker', e.message)
      failAll(pending, e.message)
      if (query === q) query = undefined
    })
    worker.on('exit', (code) => {
      failAll(pending, `exit code ${code}`)
      if (query === q) query = undefined
    })
    return q
  }
  const send = <T>(
    q: { worker: Worker; pending: Map<number, Pending> },
    op: string,
    args: unknown,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const s = ++seq
      q.pending.set(s, { resolve: resolve as (v: unknown) => void, reject, op })
      q.worker.postMessage({ seq: s, op, args } satisfies DbRequest)
    })

  return {
    call<K extends OpName>(op: K, args?: OpArgs<K>): Promise<OpResult<K>> {
      query ??= start()
      return send<OpResult<K>>(query, op, args)
    },
    async job<K extends OpName>(op: K, args?: OpArgs<K>): Promise<OpResult<K>> {
      const q = start()
      jobs.add(q.worker)
      try {
        return await send<OpResult<K>>(q, op, args)
      } finally {
        jobs.delete(q.worker)
        q.worker.removeAllListeners('exit')
        await q.worker.terminate()
      }
    },
    async close() {
      const all = [...jobs, ...(query ? [query.worker] : [])]
      query = undefined
      await Promise.all(all.map((w) => w.terminate()))
    },
  }
}
