import type { Kysely } from 'kysely'

/**
 * The first server schema: organisation, teams, enroll secrets, devices and their tokens, the
 * fleet inventory (assets and findings per device), received batches (for idempotency), pushed
 * config and API tokens. Built with Kysely's schema builder so one definition serves SQLite and
 * PostgreSQL.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('fingerprint_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('teams_org_name', ['org_id', 'name'])
    .execute()

  await db.schema
    .createTable('enroll_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('installation_id', 'text', (c) => c.notNull())
    .addColumn('hardware_id', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('arch', 'text', (c) => c.notNull())
    .addColumn('os_release', 'text', (c) => c.notNull())
    .addColumn('os_user', 'text', (c) => c.notNull())
    .addColumn('app_version', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prev_token_hash', 'text')
    .addColumn('prev_token_expires_at', 'text')
    .addColumn('token_issued_at', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('clone_of', 'text')
    .addColumn('clone_reason', 'text')
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('has_snapshot', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('snap_id', 'text')
    .addColumn('snap_parts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('snap_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resync_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_snapshot_at', 'text')
    .addColumn('last_heartbeat', 'text')
    .addColumn('pending_changes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('devices_prev_token')
    .on('devices')
    .column('prev_token_hash')
    .execute()
  await db.schema
    .createIndex('devices_installation')
    .on('devices')
    .column('installation_id')
    .execute()
  await db.schema.createIndex('devices_hardware').on('devices').column('hardware_id').execute()
  await db.schema
    .createIndex('devices_team_host')
    .on('devices')
    .columns(['team_id', 'hostname', 'id'])
    .execute()
  await db.schema.createIndex('devices_host').on('devices').columns(['hostname', 'id']).execute()

  await db.schema
    .createTable('device_assets')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('asset_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('name_key', 'text')
    .addColumn('path', 'text')
    .addColumn('sha256', 'text')
    .addColumn('fingerprint', 'text')
    .addColumn('mcp_command', 'text')
    .addColumn('mcp_url', 'text')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('gone_at', 'text')
    .addPrimaryKeyConstraint('device_assets_pk', ['device_id', 'asset_key'])
    .execute()
  // Fleet search: which devices hold this digest / key fingerprint / MCP server / tool.
  await db.schema
    .createIndex('assets_sha256')
    .on('device_assets')
    .columns(['sha256', 'status'])
    .execute()
  await db.schema
    .createIndex('assets_fingerprint')
    .on('device_assets')
    .columns(['fingerprint', 'status'])
    .execute()
  await db.schema
    .createIndex('assets_kind_name')
    .on('device_assets')
    .columns(['kind', 'status', 'name_key'])
    .execute()
  await db.schema
    .createIndex('assets_device_status')
    .on('device_assets')
    .columns(['device_id', 'status', 'kind'])
    .execute()

  await db.schema
    .createTable('device_findings')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('finding_key', 'text', (c) => c.notNull())
    .addColumn('asset_key', 'text')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addPrimaryKeyConstraint('device_findings_pk', ['device_id', 'finding_key'])
    .execute()
  // Covering index for "open findings across the fleet by rule and severity".
  await db.schema
    .createIndex('findings_status_rule')
    .on('device_findings')
    .columns(['status', 'rule_id', 'severity', 'device_id'])
    .execute()
  await db.schema
    .createIndex('findings_device_status')
    .on('device_findings')
    .columns(['device_id', 'status', 'severity'])
    .execute()

  await db.schema
    .createTable('batches')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('ack', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('batches_pk', ['device_id', 'batch_id'])
    .execute()
  await db.schema
    .createIndex('batches_device_seq')
    .on('batches')
    .columns(['device_id', 'seq'])
    .execute()

  await db.schema
    .createTable('config_items')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('config_items_pk', ['scope', 'scope_id', 'kind', 'item_key'])
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute()
}
