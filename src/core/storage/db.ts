import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { LATEST_VERSION, migrate, NewerDatabaseError } from './migrations'

export type Db = Database.Database

export class StoreError extends Error {}

/**
 * Opens (creating if needed) the inventory database in WAL mode and migrates it.
 * `nativeBinding` lets the Electron app load its own Electron-ABI better-sqlite3 build.
 */
export function openDb(
  file: string,
  opts: { nativeBinding?: string; readonly?: boolean } = {},
): Db {
  if (file !== ':memory:' && !opts.readonly) mkdirSync(dirname(file), { recursive: true })
  let db: Db
  try {
    db = new Database(file, {
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      readonly: opts.readonly === true,
      fileMustExist: opts.readonly === true,
    })
  } catch (e) {
    throw new StoreError(`cannot open inventory database ${file}: ${(e as Error).message}`)
  }
  try {
    // First: every statement after it (the WAL switch and migrations too) waits for another
    // process's lock instead of failing at once.
    db.pragma('busy_timeout = 5000')
    if (!opts.readonly) {
      // 8 KiB pages: a scan's merge writes whole tables, and bigger pages mean fewer of them to
      // write (README: Inventory store). Takes effect only on a new, empty database; must precede
      // WAL mode.
      db.pragma('page_size = 8192')
      switchToWal(db)
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('cache_size = -16384')
    if (!opts.readonly) migrate(db)
    else {
      // Read-only callers cannot migrate, but still refuse a database from the future.
      const v = db.pragma('user_version', { simple: true }) as number
      if (v > LATEST_VERSION) throw new NewerDatabaseError(v, LATEST_VERSION)
    }
    return db
  } catch (e) {
    db.close()
    if (e instanceof Error && e.name === 'SqliteError') {
      throw new StoreError(`inventory database ${file} is not usable: ${e.message}`, { cause: e })
    }
    throw e
  }
}

/**
 * Opens an existing inventory to read it (exports), never writing to it, also in a read-only
 * folder. SQLite cannot read a WAL database there once its shared-memory file is gone (a clean
 * close removes it, and a read-only folder cannot hold a new one), and a database written by an
 * older AI Scout would need its migrations: in both cases a private copy is read instead, made in
 * the temporary folder and removed on close.
 */
export function openDbForReading(file: string, opts: { nativeBinding?: string } = {}): Db {
  if (!existsSync(file)) throw new StoreError(`no inventory database at ${file}`)
  let db: Db | undefined
  try {
    db = openDb(file, { ...opts, readonly: true })
    const v = db.pragma('user_version', { simple: true }) as number
    if (v >= LATEST_VERSION) return db
    db.close()
  } catch (e) {
    db?.close()
    const code = (e as { cause?: { code?: string } }).cause?.code ?? ''
    if (!/^SQLITE_(READONLY|CANTOPEN|IOERR)/.test(code)) throw e
  }
  return openCopy(file, opts)
}

function openCopy(file: string, opts: { nativeBinding?: string }): Db {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-read-'))
  const copy = join(dir, 'inventory.db')
  try {
    copyFileSync(file, copy)
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`)
    const db = openDb(copy, opts)
    const close = db.close.bind(db)
    db.close = () => {
      close()
      rmSync(dir, { recursive: true, force: true })
      return db
    }
    return db
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    const msg = (e as Error).message ?? String(e)
    throw new StoreError(`cannot read inventory database ${file}: ${msg.replace(copy, file)}`)
  }
}

/**
 * SQLite answers SQLITE_BUSY at once, whatever busy_timeout says, when another connection holds a
 * lock while this one changes the journal mode: processes creating the same new inventory at
 * once (the CLI and the app on their first run) would fail here. Retried for up to 5 s.
 */
function switchToWal(db: Db): void {
  const deadline = Date.now() + 5000
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    let mode: unknown
    try {
      mode = db.pragma('journal_mode = WAL', { simple: true })
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e
    }
    // An in-memory database keeps its 'memory' journal.
    if (mode === 'wal' || mode === 'memory') return
    if (mode !== undefined && Date.now() > deadline) {
      throw new StoreError(`cannot switch the inventory database to WAL mode (still ${mode})`)
    }
    Atomics.wait(pause, 0, 0, 5 + Math.floor(Math.random() * 10))
  }
}

/** Per-user default location of the inventory database. */
export function defaultDbPath(
  home: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'AI Scout', 'inventory.db')
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'AI Scout', 'inventory.db')
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'aiscout', 'inventory.db')
  }
}
