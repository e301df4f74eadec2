import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 is compiled for one ABI at a time: node_modules keeps the Node build (CLI,
 * tests, server) and the desktop app loads its own Electron-ABI copy made by
 * scripts/electron-native.mjs. Returns undefined under plain Node.
 */
export function sqliteNativeBinding(baseDir: string): string | undefined {
  const electron = process.versions.electron
  if (!electron) return undefined
  const abi = process.versions.modules
  const p = join(baseDir, 'native', `electron-abi${abi}`, 'better_sqlite3.node')
  return existsSync(p) ? p : undefined
}
