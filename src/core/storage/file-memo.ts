import { createBatchedWrites } from './batched-writes'
import type { Db } from './db'
import { fileIdentity, sameIdentity } from './hash-cache'

export type Remembered<T> = Readonly<{
  /** The computed or remembered value; undefined when the computation gave none. */
  value: T | undefined
  /** True when the value came from an earlier scan and the file was not read. */
  cached: boolean
  /** The file's mode bits now (posture checks must not come from the cache). */
  mode?: number
}>

/**
 * Remembers what an analysis derived from a file's bytes, by (device, inode) and namespace, valid
 * while size and mtime are unchanged: an unchanged notebook or .env file is not read again. The
 * namespace names the analysis and its version (a changed rule set must not reuse old results).
 */
export type FileMemo = Readonly<{
  remember<T>(
    path: string,
    ns: string,
    compute: () => Promise<T | undefined>,
  ): Promise<Remembered<T>>
  /** Commits what is pending (the scan calls it when it ends, however it ends). */
  flush(): void
}>

/** A memo that remembers nothing (tests, and callers without an inventory). */
export const NO_MEMO: FileMemo = {
  async remember(_path, _ns, compute) {
    return { value: await compute(), cached: false }
  },
  flush() {},
}

export function createFileMemo(db: Db): FileMemo {
  const sel = db.prepare(
    `SELECT size, mtime_ms, value FROM file_memos WHERE dev = ? AND ino = ? AND ns = ?`,
  )
  const upsert = db.prepare(
    `INSERT INTO file_memos (dev, ino, ns, size, mtime_ms, value, path) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dev, ino, ns) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
       value = excluded.value, path = excluded.path`,
  )
  const writes = createBatchedWrites(db, upsert)
  return {
    async remember<T>(path: string, ns: string, compute: () => Promise<T | undefined>) {
      const id = fileIdentity(path)
      const dev = id ? String(id.dev) : ''
      const ino = id ? String(id.ino) : ''
      const key = `${dev}:${ino}:${ns}`
      if (id?.isFile) {
        if (writes.has(key)) writes.flush()
        const row = sel.get(dev, ino, ns) as
          { size: number; mtime_ms: number; value: string } | undefined
        if (row && row.size === id.size && row.mtime_ms === id.mtimeMs) {
          try {
            return { value: JSON.parse(row.value) as T, cached: true, mode: id.mode }
          } catch {
            // A damaged row: computed again and replaced below.
          }
        }
      }
      const value = await compute()
      if (value !== undefined && id?.isFile) {
        // Kept only when the file did not change while it was read.
        const after = fileIdentity(path)
        if (after && sameIdentity(id, after)) {
          writes.put(key, [dev, ino, ns, id.size, id.mtimeMs, JSON.stringify(value), path])
        }
      }
      return { value, cached: false, mode: id?.mode }
    },
    flush: writes.flush,
  }
}
