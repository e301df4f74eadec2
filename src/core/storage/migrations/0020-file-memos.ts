import type { Migration } from './types'

/**
 * What an analysis derived from one file's bytes (secret hits, a notebook's facts), kept by
 * (device, inode) per namespace and valid while size and mtime match, so an unchanged file is not
 * read again on the next scan. Values hold what the inventory itself may hold: redacted previews
 * and fingerprints, never a key.
 */
export const M0020_FILE_MEMOS: Migration = {
  version: 20,
  name: 'file-memos',
  up: `
    CREATE TABLE file_memos (
      dev TEXT NOT NULL,
      ino TEXT NOT NULL,
      ns TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      value TEXT NOT NULL,
      path TEXT NOT NULL,
      PRIMARY KEY (dev, ino, ns)
    ) WITHOUT ROWID;
  `,
}
