import type { Migration } from './types'

/**
 * Inventory tables. Current state lives in `assets`/`findings`; a running scan stages its rows in
 * a temporary attached database (see inventory-store.ts) and merges them in one transaction when
 * it completes, so a killed scan never touches the previous inventory.
 */
export const M0010_INITIAL: Migration = {
  version: 10,
  name: 'initial',
  up: `
    CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE scans (
      id TEXT PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed')),
      roots TEXT NOT NULL,
      stats TEXT NOT NULL DEFAULT '{}',
      host TEXT NOT NULL,
      error TEXT
    );
    CREATE TABLE assets (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL DEFAULT '{}',
      links TEXT NOT NULL DEFAULT '[]',
      status TEXT NOT NULL CHECK (status IN ('present','gone')),
      first_seen_scan TEXT NOT NULL,
      last_seen_scan TEXT NOT NULL,
      gone_since TEXT
    );
    CREATE TABLE findings (
      id TEXT PRIMARY KEY,
      rule_id TEXT NOT NULL,
      severity TEXT NOT NULL,
      title TEXT NOT NULL,
      message TEXT NOT NULL,
      path TEXT NOT NULL,
      line INTEGER, asset_id TEXT, member TEXT, offset INTEGER, callable TEXT,
      status TEXT NOT NULL CHECK (status IN ('open','resolved')),
      first_seen_scan TEXT NOT NULL,
      last_seen_scan TEXT NOT NULL
    );
    CREATE INDEX findings_by_status ON findings(status, severity);
    CREATE TABLE skipped (
      scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      reason TEXT NOT NULL,
      code TEXT,
      message TEXT NOT NULL
    );
    CREATE INDEX skipped_by_scan ON skipped(scan_id);
    CREATE TABLE file_hashes (
      dev TEXT NOT NULL,
      ino TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      sha256 TEXT,
      report TEXT,
      scanner TEXT,
      path TEXT NOT NULL,
      PRIMARY KEY (dev, ino)
    ) WITHOUT ROWID;
  `,
}
