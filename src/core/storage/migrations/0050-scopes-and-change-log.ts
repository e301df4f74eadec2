import type { Migration } from './types'

/**
 * Scoped scans and the change log.
 *
 * - `scans.seq` numbers scans in the order they began (what decides between overlapping scans),
 *   `scans.scope` records what a scan covered, `scans.pid` lets a later scan tell a live scan of
 *   another process from one whose process died.
 * - Every asset and finding remembers the unit of work that emitted it (`origin`: a locator, the
 *   analysis of one file, the secrets pass over one file, ...). A scoped scan replaces what the
 *   units it re-ran emitted and nothing else. The column has no index (nor has sha256): every
 *   full scan would pay for it in its merge, while a scoped commit can afford to read the table
 *   (README: Inventory store). `asset_parts` keeps each unit's own contribution to an asset
 *   that several units emit, so one can be replaced without losing the others;
 *   `finding_origins` lists further units that emitted the same finding.
 * - `origin_paths`: the paths each unit claimed or read (a locator's store folder, a config file
 *   it parsed, a folder it listed, a path it found missing), so that a change to a path re-runs
 *   exactly the units that depend on it.
 * - `origin_runs`: the scan (by begin order) whose results a unit's rows hold when that scan was
 *   a scoped one started after the last full scan; older results never overwrite newer ones.
 * - `changes`: every change applied to an asset or a finding, numbered by a sequence that is
 *   never reused (AUTOINCREMENT); `change_consumers` holds each reader's acknowledged position.
 */
export const M0050_SCOPES_AND_CHANGE_LOG: Migration = {
  version: 50,
  name: 'scopes-and-change-log',
  up: `
    ALTER TABLE scans ADD COLUMN seq INTEGER;
    ALTER TABLE scans ADD COLUMN scope TEXT NOT NULL DEFAULT '{"kind":"full"}';
    ALTER TABLE scans ADD COLUMN pid INTEGER;
    UPDATE scans SET seq = rowid;
    CREATE UNIQUE INDEX scans_by_seq ON scans(seq);

    ALTER TABLE assets ADD COLUMN origin TEXT NOT NULL DEFAULT 'legacy';
    ALTER TABLE assets ADD COLUMN origin_rank INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE findings ADD COLUMN origin TEXT NOT NULL DEFAULT 'legacy';

    CREATE TABLE asset_parts (
      asset_id TEXT NOT NULL,
      origin TEXT NOT NULL,
      rank INTEGER NOT NULL,
      kind TEXT NOT NULL, path TEXT NOT NULL,
      name TEXT, version TEXT, format TEXT, sha256 TEXT, size_bytes INTEGER, source TEXT, verdict TEXT,
      details TEXT NOT NULL, links TEXT NOT NULL,
      PRIMARY KEY (asset_id, origin)
    ) WITHOUT ROWID;
    CREATE INDEX asset_parts_by_origin ON asset_parts(origin);

    CREATE TABLE finding_origins (
      finding_id TEXT NOT NULL,
      origin TEXT NOT NULL,
      PRIMARY KEY (finding_id, origin)
    ) WITHOUT ROWID;
    CREATE INDEX finding_origins_by_origin ON finding_origins(origin);

    CREATE TABLE origin_paths (
      origin TEXT NOT NULL,
      path TEXT NOT NULL,
      how TEXT NOT NULL CHECK (how IN ('claim-dir','claim-file','read','list','absent')),
      PRIMARY KEY (origin, path, how)
    ) WITHOUT ROWID;
    CREATE INDEX origin_paths_by_path ON origin_paths(path);

    CREATE TABLE origin_runs (
      origin TEXT PRIMARY KEY,
      scan_seq INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      scan_id TEXT NOT NULL,
      entity TEXT NOT NULL CHECK (entity IN ('asset','finding')),
      key TEXT NOT NULL,
      change TEXT NOT NULL CHECK (change IN ('added','changed','gone','opened','resolved'))
    );

    CREATE TABLE change_consumers (
      name TEXT PRIMARY KEY,
      acked_seq INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
}
