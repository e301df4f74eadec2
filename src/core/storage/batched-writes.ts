import type { Statement } from 'better-sqlite3'
import type { Db } from './db'

/**
 * At most this many rows wait for a commit, and none longer than MAX_MS (checked when the next
 * row comes): a killed scan loses at most about a second of cached work. Until then the rows
 * ride along in the scan's own transactions (the stage's flushes, see `writePendingRows`), so
 * remembering a file costs no commit of its own.
 */
const MAX_ROWS = 512
const MAX_MS = 1000

export type BatchedWrites = Readonly<{
  has(key: string): boolean
  /** Queues one row for `stmt`; a second row for a pending key commits the first before it. */
  put(key: string, row: readonly unknown[]): void
  flush(): void
}>

/**
 * The flush of each batched writer of a connection, by statement: a store opened again on the
 * same connection (every scan opens one) replaces the writer it had, after writing its rows.
 */
const writersOf = new WeakMap<Db, Map<string, () => void>>()

/**
 * Writes the cache rows pending on `db`, first thing inside the caller's transaction (the
 * stage's flush): each writer's rows go in a savepoint of it (better-sqlite3 nests transactions
 * that way), so one commit covers both. A cache row that cannot be written is dropped; on the
 * errors where SQLite rolls back the whole transaction (a full disk), the caller's transaction
 * is begun again, still empty, so the scan's own rows go in as before and the cache failure
 * stays the cache's.
 */
export function writePendingRows(db: Db): void {
  const outer = db.inTransaction
  for (const flush of writersOf.get(db)?.values() ?? []) {
    flush()
    if (outer && !db.inTransaction) db.exec('BEGIN')
  }
}

/**
 * Cache rows (file digests and scan reports, remembered analyses) committed in groups rather
 * than one WAL commit per file, so an interrupted scan still keeps nearly all the work it cached.
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
  let writers = writersOf.get(db)
  if (!writers) writersOf.set(db, (writers = new Map()))
  writers.get(stmt.source)?.()
  writers.set(stmt.source, flush)
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
