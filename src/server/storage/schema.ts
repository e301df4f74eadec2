/**
 * Row types of the server's database, one interface per table, for Kysely. The same schema runs on
 * SQLite and PostgreSQL, so it keeps to types both read back alike: text (timestamps are ISO-8601
 * UTC text, which sorts), integer (32-bit; booleans are 0/1) and JSON as text.
 */
import type { Insertable, Selectable, Updateable } from 'kysely'

export type OrgsTable = {
  id: string
  name: string
  /** Base64 of the 32-byte key every device of the organisation fingerprints AI keys with. */
  fingerprint_key: string
  created_at: string
}

export type TeamsTable = {
  id: string
  org_id: string
  name: string
  created_at: string
}

export type EnrollSecretsTable = {
  id: string
  team_id: string
  /** SHA-256 (hex) of the secret; the secret itself is shown once and never stored. */
  secret_hash: string
  /** First characters, to tell secrets apart in listings. */
  prefix: string
  created_at: string
  revoked_at: string | null
}

export type DevicesTable = {
  id: string
  team_id: string
  installation_id: string
  hardware_id: string
  hostname: string
  platform: string
  arch: string
  os_release: string
  os_user: string
  app_version: string
  token_hash: string
  /** The token before the last rotation: valid until the new one is first used or it expires. */
  prev_token_hash: string | null
  prev_token_expires_at: string | null
  token_issued_at: string
  enrolled_at: string
  last_seen_at: string
  revoked_at: string | null
  /** Another device this one looks like a copy of (same install or hardware), for an admin. */
  clone_of: string | null
  clone_reason: string | null
  /** Highest sequence number applied. */
  last_seq: number
  /** 1 once a snapshot was committed: deltas are refused before the first one. */
  has_snapshot: number
  /** Snapshot being received: its id, part count and parts received so far. */
  snap_id: string | null
  snap_parts: number
  snap_received: number
  /** An operator (or the server) asked for a full snapshot. */
  resync_requested: number
  last_snapshot_at: string | null
  last_heartbeat: string | null
  pending_changes: number
}

export type DeviceAssetsTable = {
  device_id: string
  asset_key: string
  kind: string
  name: string | null
  /** Lower-cased name, for case-insensitive tool search. */
  name_key: string | null
  path: string | null
  sha256: string | null
  /** Secret assets: the key's fingerprint under the organisation's key. */
  fingerprint: string | null
  /** MCP servers: the command line (lower-cased) and the URL, for fleet search. */
  mcp_command: string | null
  mcp_url: string | null
  content_hash: string
  data: string
  status: string
  /** The snapshot that last listed this asset ('' when it came from a delta). */
  snapshot_id: string
  first_seen_at: string
  updated_at: string
  gone_at: string | null
}

export type DeviceFindingsTable = {
  device_id: string
  finding_key: string
  asset_key: string | null
  rule_id: string
  severity: string
  /** 0 critical … 4 info, so ORDER BY sorts worst first. */
  severity_rank: number
  content_hash: string
  data: string
  status: string
  snapshot_id: string
  first_seen_at: string
  updated_at: string
  resolved_at: string | null
  /**
   * When the laptop user's own acceptance (in `data`) ends: an ISO time, NO_EXPIRY
   * (acceptance.ts), or null without one (migration 0110).
   */
  device_accepted_until: string | null
}

export type BatchesTable = {
  device_id: string
  batch_id: string
  seq: number
  kind: string
  received_at: string
  /** The acknowledgement sent (JSON), returned again for a duplicate. */
  ack: string
}

export type ConfigItemsTable = {
  /** 'org' | 'team' | 'device'. */
  scope: string
  scope_id: string
  /** 'setting' | 'policy' | 'accepted-risk'. */
  kind: string
  item_key: string
  value: string
  updated_at: string
}

export type ApiTokensTable = {
  id: string
  name: string
  token_hash: string
  role: string
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

/** Open findings per device, rule and severity (kept by ingest; see migration 0020). */
export type DeviceRuleCountsTable = {
  device_id: string
  rule_id: string
  severity: string
  n: number
}

export type ServerDb = {
  orgs: OrgsTable
  teams: TeamsTable
  enroll_secrets: EnrollSecretsTable
  devices: DevicesTable
  device_assets: DeviceAssetsTable
  device_findings: DeviceFindingsTable
  device_rule_counts: DeviceRuleCountsTable
  batches: BatchesTable
  config_items: ConfigItemsTable
  api_tokens: ApiTokensTable
}

export type DeviceRow = Selectable<DevicesTable>
export type NewDeviceRow = Insertable<DevicesTable>
export type DeviceUpdate = Updateable<DevicesTable>
export type AssetRow = Selectable<DeviceAssetsTable>
export type FindingRow = Selectable<DeviceFindingsTable>
