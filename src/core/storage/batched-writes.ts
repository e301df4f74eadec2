import type { Statement } from 'better-sqlite3'
import type { Db } from './db'

/** At most this many rows wait for a commit ... */
const MAX_ROWS = 32
/** ... and none waits longer than this (checked when the next row comes). */
const MAX_MS = 1000

export type BatchedWrites = Readonly<{
  has(key: string): boolean
  /** Queues one row for `stmt`; a second row for a pending key commits the first before it. */
  put(key: string, row: readonly unknown[]): void
  flush(): void
}>

/**
 * Cache rows committed in small groups rather than one WAL commit per file, so an interrupted
 * scan still keeps nearly all the work it cached.
 */
export function createBatchedWrites(db: Db, stmt: Statement): BatchedWrites {
  const pending = new Map<string, readonly unknown[]>()
  let oldest = 0
  const write = db.transaction((rows: readonly (readonly unknown[])[]) => {
    for (const r of rows) stmt.run(r)
  })
  const flush = (): void => {
    if (pending.size === 0) return
    const rows = [...pending.values()]
    pending.clear()
    try {
      write(rows)
    } catch {
      // A cache: rows that cannot be written (a full disk) are dropped, and the files are read
      // again by a later scan. The scan itself goes on; its commit reports a full disk.
    }
  }
  return {
    has: (key) => pending.has(key),
    put(key, row) {
      if (pending.has(key)) flush()
      if (pending.size === 0) oldest = Date.now()
      pending.set(key, row)
      if (pending.size >= MAX_ROWS || Date.now() - oldest >= MAX_MS) flush()
    },
    flush,
  }
}
