import type { Migration } from './types'

/**
 * Accepted risk and the user's settings.
 *
 * `accepted_risks` is keyed by the finding's stable id (the same finding keeps its id across
 * rescans), so an acceptance survives rescans and applies again if a resolved finding comes back.
 * It has no foreign key to `findings`: an acceptance outlives the finding row it was made on.
 * The note is required (an acceptance without a reason is not reviewable); `expires_at` is an
 * ISO timestamp or NULL for "until reopened".
 *
 * `app_settings` holds one JSON document per settings section (scan, probes, and the sections
 * other shells add: watcher, sync). The CLI reads the same rows when --db points at this file.
 * The installation secret stays in `settings`, which nothing shows or exports.
 */
export const M0060_ACCEPTED_RISK_SETTINGS: Migration = {
  version: 60,
  name: 'accepted-risk-settings',
  up: `
    CREATE TABLE accepted_risks (
      finding_id TEXT PRIMARY KEY,
      rule_id TEXT NOT NULL,
      path TEXT NOT NULL,
      note TEXT NOT NULL CHECK (length(trim(note)) > 0),
      accepted_by TEXT NOT NULL,
      accepted_at TEXT NOT NULL,
      expires_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE app_settings (
      section TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
}
