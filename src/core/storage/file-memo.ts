import { scrubText } from '../secrets/scrub'
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

/** Which analysis a remembered value belongs to, and the version of what produced it. */
export type MemoKey = Readonly<{
  /** The analysis (`secret-hits:dotenv`, `notebook`): one row per file and analysis. */
  ns: string
  /** The producer's rules and code revision: a value from another version is not reused. */
  version: string
}>

/**
 * Remembers what an analysis derived from a file's bytes, by (device, inode) and analysis, valid
 * while size, mtime, path and the producer's version are unchanged: an unchanged notebook or .env
 * file is not read again. The path counts because some results depend on it (a key under a
 * fixture folder is a decoy): a renamed or hard-linked file is analysed again.
 */
export type FileMemo = Readonly<{
  remember<T>(
    path: string,
    key: MemoKey,
    compute: () => Promise<T | undefined>,
  ): Promise<Remembered<T>>
  /** Commits what is pending (the scan calls it when it ends, however it ends). */
  flush(): void
}>

/** A memo that remembers nothing (tests, and callers without an inventory). */
export const NO_MEMO: FileMemo = {
  async remember(_path, _key, compute) {
    return { value: await compute(), cached: false }
  },
  flush() {},
}

/**
 * What an analysis remembers is stored as the inventory stores what it emits: a code excerpt or a
 * URL copied from a notebook keeps no credential (secrets/scrub.ts). A value read back is then
 * the scrubbed one, which is what the scan emitted from it the first time.
 */
const scrubStrings = (_key: string, v: unknown): unknown =>
  typeof v === 'string' ? scrubText(v) : v

export function createFileMemo(db: Db): FileMemo {
  const sel = db.prepare(
    `SELECT version, size, mtime_ms, path, value FROM file_memos WHERE dev = ? AND ino = ? AND ns = ?`,
  )
  const upsert = db.prepare(
    `INSERT INTO file_memos (dev, ino, ns, version, size, mtime_ms, path, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dev, ino, ns) DO UPDATE SET version = excluded.version, size = excluded.size,
       mtime_ms = excluded.mtime_ms, path = excluded.path, value = excluded.value`,
  )
  const writes = createBatchedWrites(db, upsert)
  return {
    async remember<T>(
      path: string,
      { ns, version }: MemoKey,
      compute: () => Promise<T | undefined>,
    ) {
      const id = fileIdentity(path)
      const dev = id ? String(id.dev) : ''
      const ino = id ? String(id.ino) : ''
      const key = `${dev}:${ino}:${ns}`
      if (id?.isFile) {
        if (writes.has(key)) writes.flush()
        const row = sel.get(dev, ino, ns) as
          | { version: string; size: number; mtime_ms: number; path: string; value: string }
          | undefined
        if (
          row &&
          row.version === version &&
          row.path === path &&
          row.size === id.size &&
          row.mtime_ms === id.mtimeMs
        ) {
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
          const kept = JSON.stringify(value, scrubStrings)
          writes.put(key, [dev, ino, ns, version, id.size, id.mtimeMs, path, kept])
        }
      }
      return { value, cached: false, mode: id?.mode }
    },
    flush: writes.flush,
  }
}
