import type { Migration } from './types'

/**
 * Sort expressions the query layer (src/core/query) pages by. An index on an expression is used
 * only when a query spells the expression the same way, so both sides take it from here.
 */
export const ASSET_NAME_KEY = `coalesce(name, path) COLLATE NOCASE`
export const ASSET_SIZE_KEY = `coalesce(size_bytes, -1)`
export const SEVERITY_RANK = `CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`
/** The search indexes' tokenizer: the query layer tokenizes with it too (query/text-match.ts). */
export const SEARCH_TOKENIZER = `unicode61 remove_diacritics 2`

/**
 * Indexes for keyset-paged, sorted inventory queries, and the derived tables the query layer
 * keeps in step with the inventory (src/core/query/derived.ts) instead of triggers, so a scan's
 * merge pays nothing for them and a later migration may rebuild `assets` or `findings` freely:
 *
 * - `asset_search`, `finding_search`: FTS5 over an asset's name, path, SHA-256 and key
 *   fingerprint (a finding's rule id, message and path), by rowid. Word tokens with
 *   prefix indexes (2 and 3 characters), no positions (`detail=none`): queries are ANDs of word
 *   prefixes, never phrases, and the index stays small. Contentless: the indexed text is kept
 *   once, in `asset_search_state` / `finding_search_state` (with the links JSON the edges below
 *   were made from), which a refresh compares with the inventory by rowid (0056 replaces these
 *   two tables with `query_asset_state` / `query_finding_state`).
 * - `asset_links`: one row per link (asset → id), to find the assets that link to an asset.
 *
 * Every sort index ends in `id`, the tie-breaker that makes a keyset position unique.
 */
export const M0055_QUERY_INDEXES: Migration = {
  version: 55,
  name: 'query-indexes',
  up: `
    CREATE INDEX assets_by_name ON assets(${ASSET_NAME_KEY}, id);
    CREATE INDEX assets_by_kind ON assets(kind, ${ASSET_NAME_KEY}, id);
    CREATE INDEX assets_by_path ON assets(path, id);
    CREATE INDEX assets_by_size ON assets(${ASSET_SIZE_KEY}, id);
    CREATE INDEX assets_by_first_seen ON assets(first_seen_scan, id);
    -- Covers the overview: counts by status and kind, model bytes by SHA-256.
    CREATE INDEX assets_by_status ON assets(status, kind, sha256, size_bytes);

    CREATE INDEX findings_by_rank ON findings(${SEVERITY_RANK}, first_seen_scan, id);
    CREATE INDEX findings_by_first_seen ON findings(first_seen_scan, id);
    CREATE INDEX findings_by_path ON findings(path, id);
    CREATE INDEX findings_by_rule ON findings(rule_id, id);
    CREATE INDEX findings_by_asset ON findings(asset_id);

    CREATE VIRTUAL TABLE asset_search USING fts5(
      text, content = '', contentless_delete = 1,
      tokenize = '${SEARCH_TOKENIZER}', detail = none, prefix = '2 3'
    );
    CREATE VIRTUAL TABLE finding_search USING fts5(
      text, content = '', contentless_delete = 1,
      tokenize = '${SEARCH_TOKENIZER}', detail = none, prefix = '2 3'
    );
    CREATE TABLE asset_search_state (
      rid INTEGER PRIMARY KEY,
      text TEXT NOT NULL,
      links TEXT NOT NULL
    );
    CREATE TABLE finding_search_state (
      rid INTEGER PRIMARY KEY,
      text TEXT NOT NULL
    );
    CREATE TABLE asset_links (
      from_rowid INTEGER NOT NULL,
      to_id TEXT NOT NULL,
      relation TEXT NOT NULL
    );
    CREATE INDEX asset_links_by_from ON asset_links(from_rowid);
    CREATE INDEX asset_links_by_to ON asset_links(to_id);
  `,
}
