import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * A laptop user's own acceptance of a finding travels inside the finding's data (`accepted`).
 * Fleet-wide counts that leave accepted findings out (findings by rule) cannot scan every
 * finding's JSON, so ingest records when that acceptance ends in its own column:
 * `device_accepted_until`, the expiry as an ISO time, NO_EXPIRY for one without, null when the
 * finding carries no valid acceptance. A partial index keeps the few accepted rows apart.
 * Existing rows are backfilled here with the rule ingest applies (an acceptance needs a note and
 * a valid time; kept as it was written when this migration shipped, since ingest may change).
 */
const NO_EXPIRY = '9999-12-31T23:59:59.999Z'

function acceptedUntil(json: string): string | null {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    return null
  }
  const a = data && typeof data === 'object' ? (data as Record<string, unknown>).accepted : null
  if (!a || typeof a !== 'object' || Array.isArray(a)) return null
  const r = a as Record<string, unknown>
  const time = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : NaN)
  if (typeof r.note !== 'string' || r.note.length === 0 || Number.isNaN(time(r.acceptedAt))) {
    return null
  }
  const expires = time(r.expiresAt)
  // Compared as text: past year 9999 an ISO time is written '+010000-…' and sorts first.
  return Number.isNaN(expires) || expires >= Date.parse(NO_EXPIRY)
    ? NO_EXPIRY
    : new Date(expires).toISOString()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_findings').addColumn('device_accepted_until', 'text').execute()
  const rows = (await db
    .selectFrom('device_findings')
    .select(['device_id', 'finding_key', 'data'])
    .where('data', 'like', '%"accepted"%')
    .execute()) as { device_id: string; finding_key: string; data: string }[]
  for (const r of rows) {
    const until = acceptedUntil(r.data)
    if (until === null) continue
    await db
      .updateTable('device_findings')
      .set({ device_accepted_until: until })
      .where('device_id', '=', r.device_id)
      .where('finding_key', '=', r.finding_key)
      .execute()
  }
  await db.schema
    .createIndex('findings_device_accepted')
    .on('device_findings')
    .columns(['device_accepted_until', 'status'])
    .where(sql.ref('device_accepted_until'), 'is not', null)
    .execute()
}
