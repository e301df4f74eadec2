import type { Migration } from './types'

/**
 * The query layer's derived state (src/core/query/derived.ts) learns what it needs to follow the
 * change log instead of comparing whole tables, and to answer the overview without counting:
 *
 * - `query_asset_state` / `query_finding_state` replace the 0055 `*_search_state` tables: one row
 *   per indexed asset (finding) by rowid, holding what the search index and link table were made
 *   from (text, links) and what the summary counts (status and kind, SHA-256 and size of a model;
 *   status and severity). A refresh reads the keys the change log names since its position,
 *   compares each row with its state row and moves the counts by the difference.
 * - `query_model_weights`: present models' SHA-256 and size (partial index), so the bytes of
 *   model files, each digest once, are summed over the models alone.
 * - `scans_by_status`, `scans_by_started`: the latest completed scan and the scan history without
 *   sorting every scan (a watcher makes many small scans).
 *
 * The new state starts empty: the next query rebuilds the search index, the links and the counts
 * from the inventory in one pass (the 0055 marker goes with the tables it described). State rows
 * pair with inventory rows by rowid: a later migration that rebuilds `assets` or `findings`
 * empties the matching state table, so the next query builds it again.
 */
export const M0056_QUERY_SUMMARY: Migration = {
  version: 56,
  name: 'query-summary',
  up: `
    DROP TABLE asset_search_state;
    DROP TABLE finding_search_state;
    DELETE FROM settings WHERE key = 'query-derived-marker';

    CREATE TABLE query_asset_state (
      rid INTEGER PRIMARY KEY,
      text TEXT NOT NULL,
      links TEXT NOT NULL,
      status TEXT NOT NULL,
      kind TEXT NOT NULL,
      sha256 TEXT,
      size INTEGER
    );
    CREATE INDEX query_model_weights ON query_asset_state(sha256, size)
      WHERE kind = 'model' AND status = 'present';
    CREATE TABLE query_finding_state (
      rid INTEGER PRIMARY KEY,
      text TEXT NOT NULL,
      status TEXT NOT NULL,
      severity TEXT NOT NULL
    );

    CREATE INDEX scans_by_started ON scans(started_at, id);
    CREATE INDEX scans_by_status ON scans(status, started_at);
  `,
}
