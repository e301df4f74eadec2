import type { Db } from './db'

export type FileIdentity = Readonly<{
  dev: number | bigint
  ino: number | bigint
  size: number
  mtimeMs: number
}>

/**
 * SHA-256 cache keyed by (device, inode, size, mtime): an unchanged file is never read twice.
 * Entries are written as soon as a hash is known, so an interrupted scan still saves its work.
 */
export type HashCache = Readonly<{
  get(id: FileIdentity): string | undefined
  put(id: FileIdentity, path: string, sha256: string): void
}>

export function createHashCache(db: Db): HashCache {
  const sel = db.prepare(`SELECT size, mtime_ms, sha256 FROM file_hashes WHERE dev = ? AND ino = ?`)
  const ins = db.prepare(
    `INSERT OR REPLACE INTO file_hashes (dev, ino, size, mtime_ms, sha256, path) VALUES (?, ?, ?, ?, ?, ?)`,
  )
  return {
    get(id) {
      const row = sel.get(String(id.dev), String(id.ino)) as
        { size: number; mtime_ms: number; sha256: string } | undefined
      if (!row || row.size !== id.size || row.mtime_ms !== id.mtimeMs) return undefined
      return row.sha256
    },
    put(id, path, sha256) {
      ins.run(String(id.dev), String(id.ino), id.size, id.mtimeMs, sha256, path)
    },
  }
}
