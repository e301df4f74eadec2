import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * Fleet questions at 10,000 devices x 500 assets (bench "fleet"):
 * - `device_rule_counts`: open findings per device, rule and severity, rewritten for a device
 *   whenever its findings change (a few dozen rows; no row is shared between devices, so
 *   concurrent ingest does not contend). "Open findings across the fleet by rule" becomes a flat
 *   GROUP BY over its covering index instead of counting distinct devices over every finding.
 * - MCP servers are found by a substring of their command or URL: partial indexes over MCP rows
 *   only, carrying the text and the row's key, so the LIKE is checked in the index and only
 *   matching rows are read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_rule_counts')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_rule_counts_pk', ['device_id', 'rule_id', 'severity'])
    .execute()
  await db.schema
    .createIndex('rule_counts_by_rule')
    .on('device_rule_counts')
    .columns(['rule_id', 'severity', 'n'])
    .execute()
  await db
    .insertInto('device_rule_counts')
    .columns(['device_id', 'rule_id', 'severity', 'n'])
    .expression((eb) =>
      eb
        .selectFrom('device_findings')
        .select(['device_id', 'rule_id', 'severity', sql<number>`count(*)`.as('n')])
        .where('status', '=', 'open')
        .groupBy(['device_id', 'rule_id', 'severity']),
    )
    .execute()
  for (const col of ['mcp_command', 'mcp_url'] as const) {
    await db.schema
      .createIndex(`assets_${col}`)
      .on('device_assets')
      .columns(['status', col, 'device_id', 'asset_key'])
      .where(sql.ref('kind'), '=', 'mcp-server')
      .execute()
  }
}
