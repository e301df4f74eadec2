import type { Db } from '../../core/storage/db'
import { defaultDbPath, openDb } from '../../core/storage/db'
import type { Io } from '../index'
import { resolvePath } from '../index'

/** Opens --db FILE or the per-user default; errors become one clear line (exit 2). */
export function openCliDb(io: Io, file: string | undefined): { db: Db; path: string } {
  const path = file ? resolvePath(io, file) : defaultDbPath(io.home, process.platform, io.env)
  return { db: openDb(path), path }
}
