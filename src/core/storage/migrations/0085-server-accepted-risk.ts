import type { Migration } from './types'

/**
 * Accepted risk from two places: the user on this device, and an admin on the central server
 * (pushed to the device in its sync config).
 *
 * - `local_accepted_risks`: the user's own acceptances (the table migration 0060 made, renamed;
 *   only the user's accept and reopen write it, and only these go back to the server).
 * - `server_accepted_risks`: the security team's, replaced wholesale from each config the sync
 *   client fetches, so one the server removed stops applying after the next config. The finding's
 *   rule and path are copied in when it is known here, for reports of findings gone later.
 * - `accepted_risks`: a view with at most one row per finding, the acceptance that lasts longer
 *   (no expiry counts as forever; a tie goes to the server). A finding is accepted at a time while
 *   any acceptance of it holds, which is exactly while the longer one holds, so every reader that
 *   joined the 0060 table (open counts, the app's queries, exports) keeps working unchanged and
 *   sees the server's acceptances too. `source` says whose it is: 'local' or 'server'.
 */
export const M0085_SERVER_ACCEPTED_RISK: Migration = {
  version: 85,
  name: 'server-accepted-risk',
  up: `
    ALTER TABLE accepted_risks RENAME TO local_accepted_risks;
    CREATE TABLE server_accepted_risks (
      finding_id TEXT PRIMARY KEY,
      rule_id TEXT NOT NULL,
      path TEXT NOT NULL,
      note TEXT NOT NULL,
      accepted_by TEXT NOT NULL,
      accepted_at TEXT NOT NULL,
      expires_at TEXT,
      received_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE VIEW accepted_risks AS
      SELECT s.finding_id, s.rule_id, s.path, s.note, s.accepted_by, s.accepted_at, s.expires_at,
             'server' AS source
      FROM server_accepted_risks s
      WHERE NOT EXISTS (
        SELECT 1 FROM local_accepted_risks l
        WHERE l.finding_id = s.finding_id
          AND coalesce(l.expires_at, '9999') > coalesce(s.expires_at, '9999'))
      UNION ALL
      SELECT l.finding_id, l.rule_id, l.path, l.note, l.accepted_by, l.accepted_at, l.expires_at,
             'local' AS source
      FROM local_accepted_risks l
      WHERE NOT EXISTS (
        SELECT 1 FROM server_accepted_risks s
        WHERE s.finding_id = l.finding_id
          AND coalesce(s.expires_at, '9999') >= coalesce(l.expires_at, '9999'));
  `,
}
