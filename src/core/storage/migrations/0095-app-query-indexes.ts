import type { Migration } from './types'
import { ASSET_NAME_KEY, SEVERITY_RANK } from './0055-query-indexes'

/**
 * Sort expressions added for the desktop app's inventory columns (src/core/query/assets.ts).
 * An index on an expression is used only when a query spells it the same way.
 */
export const ASSET_FORMAT_KEY = `coalesce(format, '')`
export const ASSET_SOURCE_KEY = `coalesce(source, '')`
/** Worst verdict highest: malicious 3, suspicious 2, invalid 1, safe 0, none -1. */
export const ASSET_VERDICT_RANK = `CASE verdict WHEN 'malicious' THEN 3 WHEN 'suspicious' THEN 2 WHEN 'invalid' THEN 1 WHEN 'safe' THEN 0 ELSE -1 END`

/**
 * Indexes for the inventory sorted by format, source and verdict, each with ties broken by
 * name, as the app's sortable columns ask; the verdict index also counts malicious and suspicious
 * models for the overview without reading every model. Every sort index ends in `id`, the
 * tie-breaker that makes a keyset position unique. `findings_open_by_rank` covers the assets
 * with an open finding at least so severe (the app's severity filter and its count) without
 * reading the findings themselves; `findings_open_by_rule` the open findings counted by severity
 * and rule (the Findings screen's groups), in the index's order; `findings_open_by_asset` an
 * asset's open findings counted, their worst severity and the accepted ones left out, from the
 * index alone (every asset row, and the sort by open findings, which counts them for every
 * matching asset).
 */
export const M0095_APP_QUERY_INDEXES: Migration = {
  version: 95,
  name: 'app-query-indexes',
  up: `
    CREATE INDEX assets_by_format ON assets(${ASSET_FORMAT_KEY}, ${ASSET_NAME_KEY}, id);
    CREATE INDEX assets_by_source ON assets(${ASSET_SOURCE_KEY}, ${ASSET_NAME_KEY}, id);
    CREATE INDEX assets_by_verdict ON assets(${ASSET_VERDICT_RANK}, ${ASSET_NAME_KEY}, id);
    CREATE INDEX findings_open_by_rank ON findings(${SEVERITY_RANK}, asset_id, id)
      WHERE status = 'open';
    CREATE INDEX findings_open_by_rule ON findings(severity, rule_id, id) WHERE status = 'open';
    CREATE INDEX findings_open_by_asset ON findings(asset_id, severity, id) WHERE status = 'open';
  `,
}
