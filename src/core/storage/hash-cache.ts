import { statSync } from 'node:fs'
import { createBatchedWrites } from './batched-writes'
import type { Db } from './db'

export type FileIdentity = Readonly<{
  dev: number | bigint
  ino: number | bigint
  size: number
  mtimeMs: number
}>

/** The identity of a file now (nanosecond mtime, 64-bit inode), or undefined when it cannot be stat'ed. */
export function fileIdentity(
  path: string,
): (FileIdentity & { mode: number; isFile: boolean }) | undefined {
  try {
    const st = statSync(path, { bigint: true })
    return {
      dev: st.dev,
      ino: st.ino,
      size: Number(st.size),
      mtimeMs: Number(st.mtimeNs) / 1e6,
      mode: Number(st.mode),
      isFile: st.isFile(),
    }
  } catch {
    return undefined
  }
}

/** The same file (device, inode, size and mtime all equal). */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    String(a.dev) === String(b.dev) &&
    String(a.ino) === String(b.ino) &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs
  )
}

/** What is remembered about an unchanged file: its digest and its static scan report. */
export type CachedFile = Readonly<{
  sha256?: string
  /** JSON of the ModelFileReport, valid only for the scanner version that wrote it. */
  report?: string
  scanner?: string
}>

/**
 * File cache keyed by (device, inode, size, mtime): an unchanged file is never read twice — not
 * for its SHA-256 and not for its static scan. Entries are committed in small groups (see
 * batched-writes.ts), so an interrupted scan still keeps nearly all its work.
 */
export type HashCache = Readonly<{
  get(id: FileIdentity): string | undefined
  getEntry(id: FileIdentity): CachedFile | undefined
  put(id: FileIdentity, path: string, sha256: string): void
  putEntry(id: FileIdentity, path: string, entry: CachedFile): void
  /** Commits what is pending (the scan calls it when it ends, however it ends). */
  flush(): void
}>

export function createHashCache(db: Db): HashCache {
  const sel = db.prepare(
    `SELECT size, mtime_ms, sha256, report, scanner FROM file_hashes WHERE dev = ? AND ino = ?`,
  )
  const upsert = db.prepare(
    `INSERT INTO file_hashes (dev, ino, size, mtime_ms, sha256, report, scanner, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dev, ino) DO UPDATE SET
       sha256 = CASE WHEN size = excluded.size AND mtime_ms = excluded.mtime_ms THEN coalesce(excluded.sha256, sha256) ELSE excluded.sha256 END,
       report = CASE WHEN size = excluded.size AND mtime_ms = excluded.mtime_ms THEN coalesce(excluded.report, report) ELSE excluded.report END,
       scanner = CASE WHEN excluded.report IS NOT NULL THEN excluded.scanner
                      WHEN size = excluded.size AND mtime_ms = excluded.mtime_ms THEN scanner ELSE NULL END,
       size = excluded.size, mtime_ms = excluded.mtime_ms, path = excluded.path`,
  )
  const writes = createBatchedWrites(db, upsert)
  const getEntry = (id: FileIdentity): CachedFile | undefined => {
    if (writes.has(`${id.dev}:${id.ino}`)) writes.flush()
    const row = sel.get(String(id.dev), String(id.ino)) as
      | {
          size: number
          mtime_ms: number
          sha256: string | null
          report: string | null
          scanner: string | null
        }
      | undefined
    if (!row || row.size !== id.size || row.mtime_ms !== id.mtimeMs) return undefined
    return {
      sha256: row.sha256 ?? undefined,
      report: row.report ?? undefined,
      scanner: row.scanner ?? undefined,
    }
  }
  const putEntry = (id: FileIdentity, path: string, e: CachedFile): void => {
    writes.put(`${id.dev}:${id.ino}`, [
      String(id.dev),
      String(id.ino),
      id.size,
      id.mtimeMs,
      e.sha256 ?? null,
      e.report ?? null,
      e.scanner ?? null,
      path,
    ])
  }
  return {
    getEntry,
    putEntry,
    flush: writes.flush,
    get: (id) => getEntry(id)?.sha256,
    put: (id, path, sha256) => putEntry(id, path, { sha256 }),
  }
}
