import { existsSync } from 'node:fs'
import type { Db } from '../../core'
import { defaultDbPath, openDb, openDbForReading } from '../../core'
import type { Io } from '../io'
import { resolvePath } from '../io'

/**
 * Opens --db FILE or the per-user default; errors become one clear line (exit 2). `readOnly`
 * (export) never writes to the inventory and works in a read-only folder.
 */
export function openCliDb(
  io: Io,
  file: string | undefined,
  opts: { mustExist?: boolean; readOnly?: boolean } = {},
): { db: Db; path: string } {
  const path = file ? resolvePath(io, file) : defaultDbPath(io.home, process.platform, io.env)
  // export reads an existing inventory; it never creates an empty database by accident.
  if (opts.mustExist && !existsSync(path)) {
    throw new Error(
      `no inventory database at ${path}; run \`aiscout scan\` first (or pass --db FILE)`,
    )
  }
  return { db: opts.readOnly ? openDbForReading(path) : openDb(path), path }
}
