import type { HostInfo } from '../types'
import type { Db } from './db'
import type { FileMemo } from './file-memo'
import { createFileMemo } from './file-memo'
import type { HashCache } from './hash-cache'
import { createHashCache } from './hash-cache'
import type { BeginScanOptions } from './inventory-store'
import { beginScan, installationSecret } from './inventory-store'
import type { InventoryWriter } from './inventory-writer'
import type { ScopeIndex } from './scope-index'
import { createScopeIndex } from './scope-index'

/**
 * Everything the scan engine needs from the inventory, as small interfaces: where the scan's
 * rows go (an inventory writer), what is remembered about unchanged files (a file cache and a
 * memo of analyses), the per-installation key for fingerprints, and what earlier scans learnt
 * about the paths each unit of work depends on.
 */
export type ScanStore = Readonly<{
  /** The database file, for error messages (`:memory:` for an in-memory one). */
  location: string
  begin(host: HostInfo, roots: readonly string[], opts: BeginScanOptions): InventoryWriter
  files: HashCache
  memo: FileMemo
  fingerprintKey: Uint8Array
  scopes: ScopeIndex
  /**
   * After a failure: commits nothing, folds what the write-ahead log holds into the database and
   * truncates the log, so that a scan that failed on a full disk leaves no log behind that keeps
   * the next one from starting.
   */
  settle(): void
}>

export function openScanStore(db: Db): ScanStore {
  return {
    location: db.name,
    begin: (host, roots, opts) => beginScan(db, host, roots, opts),
    files: createHashCache(db),
    memo: createFileMemo(db),
    fingerprintKey: installationSecret(db),
    scopes: createScopeIndex(db),
    settle() {
      try {
        if (db.inTransaction) db.exec('ROLLBACK')
      } catch {
        // Nothing to roll back.
      }
      try {
        db.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // Another connection still reads: the log is truncated by a later checkpoint.
      }
    },
  }
}
