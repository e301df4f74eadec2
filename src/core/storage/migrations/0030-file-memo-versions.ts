import type { Migration } from './types'

/**
 * One remembered result per file and analysis, its producer's version in a column (a new rule set
 * replaces the row instead of adding one beside it). The table is a cache: rows of the old shape
 * are dropped, and the next scan reads those files again.
 */
export const M0030_FILE_MEMO_VERSIONS: Migration = {
  version: 30,
  name: 'file-memo-versions',
  up: `
    DROP TABLE file_memos;
    CREATE TABLE file_memos (
      dev TEXT NOT NULL,
      ino TEXT NOT NULL,
      ns TEXT NOT NULL,
      version TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      path TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (dev, ino, ns)
    ) WITHOUT ROWID;
  `,
}
