import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { migrationProvider } from './migrations'
import type { ServerDb } from './schema'

export type Engine = 'sqlite' | 'postgres'

/** The server's storage: one Kysely handle over either engine. */
export type Storage = Readonly<{
  db: Kysely<ServerDb>
  engine: Engine
  /** Where the data lives, for logs and the start banner (a PostgreSQL URL without password). */
  location: string
  close(): Promise<void>
}>

export type StorageOptions = Readonly<{
  /** Data directory for the embedded SQLite database (`server.db`). */
  dataDir?: string
  /** A `postgres://` URL: PostgreSQL instead of SQLite (DATABASE_URL). */
  databaseUrl?: string
  /** PostgreSQL pool size per server process. */
  poolSize?: number
}>

export class StorageError extends Error {}

export const SQLITE_FILE = 'server.db'

/**
 * Opens and migrates the storage: PostgreSQL when a database URL is given, else SQLite in the
 * data directory (created if needed). Every server subcommand selects storage this way.
 */
export async function openStorage(opts: StorageOptions): Promise<Storage> {
  const storage = opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts.poolSize)
    : openSqlite(opts)
  try {
    await migrate(storage.db)
  } catch (e) {
    await storage.close().catch(() => {})
    throw e instanceof StorageError
      ? e
      : new StorageError(
          `cannot prepare the server database at ${storage.location}: ${(e as Error).message}`,
        )
  }
  return storage
}

function openSqlite(opts: StorageOptions): Storage {
  if (!opts.dataDir) throw new StorageError('no data directory and no DATABASE_URL')
  const dir = resolve(opts.dataDir)
  const file = join(dir, SQLITE_FILE)
  let sqlite: Database.Database
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    sqlite = new Database(file)
    // Waits for another process (a CLI subcommand beside the running server) instead of failing.
    sqlite.pragma('busy_timeout = 10000')
    sqlite.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a committed batch survives a killed process (the WAL is in the OS
    // cache); only a power loss can drop the last transactions, and the client then resends.
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('cache_size = -65536')
    // Checkpoint the WAL every ~40 MB rather than every 4 MB: a checkpoint syncs the database
    // file, and ingest writes a lot; fewer, larger checkpoints cost less per batch.
    sqlite.pragma('wal_autocheckpoint = 10000')
  } catch (e) {
    throw new StorageError(`cannot open the server database ${file}: ${(e as Error).message}`)
  }
  const db = new Kysely<ServerDb>({ dialect: new SqliteDialect({ database: sqlite }) })
  return {
    db,
    engine: 'sqlite',
    location: file,
    close: () => db.destroy(),
  }
}

function openPostgres(url: string, poolSize = 10): Storage {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StorageError('DATABASE_URL is not a URL (expected postgres://user@host:port/db)')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StorageError(`DATABASE_URL must be a postgres:// URL (got ${parsed.protocol})`)
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  // An idle client that loses its connection must not crash the server; the pool replaces it.
  pool.on('error', () => {})
  const db = new Kysely<ServerDb>({ dialect: new PostgresDialect({ pool }) })
  parsed.password = ''
  return {
    db,
    engine: 'postgres',
    location: parsed.toString(),
    close: () => db.destroy(),
  }
}

async function migrate(db: Kysely<ServerDb>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: 'server_migrations',
    migrationLockTableName: 'server_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new StorageError(
      `server database migration ${failed ? `${failed.migrationName} ` : ''}failed: ${(error as Error).message ?? String(error)}`,
    )
  }
}
