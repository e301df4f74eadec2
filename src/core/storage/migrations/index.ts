import type Database from 'better-sqlite3'
import { M0010_INITIAL } from './0010-initial'
import { M0020_FILE_MEMOS } from './0020-file-memos'
import { M0030_FILE_MEMO_VERSIONS } from './0030-file-memo-versions'
import { M0050_SCOPES_AND_CHANGE_LOG } from './0050-scopes-and-change-log'
import { M0055_QUERY_INDEXES } from './0055-query-indexes'
import { M0056_QUERY_SUMMARY } from './0056-query-summary'
import { M0060_ACCEPTED_RISK_SETTINGS } from './0060-accepted-risk-settings'
import { M0070_SYNC } from './0070-sync'
import { M0085_SERVER_ACCEPTED_RISK } from './0085-server-accepted-risk'
import { M0095_APP_QUERY_INDEXES } from './0095-app-query-indexes'
import { M0100_SCRUB_REMEMBERED } from './0100-scrub-remembered'
import type { Migration } from './types'

/** Ordered migrations. Never edit a shipped one; add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  M0010_INITIAL,
  M0020_FILE_MEMOS,
  M0030_FILE_MEMO_VERSIONS,
  M0050_SCOPES_AND_CHANGE_LOG,
  M0055_QUERY_INDEXES,
  M0056_QUERY_SUMMARY,
  M0060_ACCEPTED_RISK_SETTINGS,
  M0070_SYNC,
  M0085_SERVER_ACCEPTED_RISK,
  M0095_APP_QUERY_INDEXES,
  M0100_SCRUB_REMEMBERED,
]

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version

export class NewerDatabaseError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `inventory database schema version ${found} is newer than this AI Scout supports (${supported}); upgrade AI Scout or use another --db`,
    )
  }
}

/**
 * Applies pending migrations, each in its own transaction; refuses a database from the future.
 * Each transaction takes the write lock first (BEGIN IMMEDIATE) and reads the version again
 * under it: two processes creating the same new inventory at once (the CLI and the app on their
 * first run) would otherwise both apply a migration, and the second would fail on the tables
 * the first made.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) {
      throw new Error(`migration versions must increase: ${migrations[i]!.name}`)
    }
  }
  const latest = migrations[migrations.length - 1]?.version ?? 0
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latest) throw new NewerDatabaseError(current, latest)
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number
      if (now > latest) throw new NewerDatabaseError(now, latest)
      if (now >= m.version) return // applied by another process since we looked
      db.exec(m.up)
      db.pragma(`user_version = ${m.version}`)
    }).immediate()
  }
  return db.pragma('user_version', { simple: true }) as number
}
