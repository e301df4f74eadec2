import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 is compiled for one ABI at a time: node_modules keeps the Node build (CLI,
 * tests, server) and the desktop app loads its own Electron-ABI copy made by
 * scripts/electron-native.mjs into native/electron-abi<N>/ (development: under the app folder;
 * packaged: electron-builder copies it to resources/native/). Returns undefined under plain Node
 * or when the copy is missing (the app then says so instead of crashing on an ABI mismatch).
 */
export function sqliteNativeBinding(
  baseDir: string,
  versions: Readonly<{ electron?: string; modules: string }> = process.versions,
): string | undefined {
  if (!versions.electron) return undefined
  const p = join(baseDir, 'native', `electron-abi${versions.modules}`, 'better_sqlite3.node')
  return existsSync(p) ? p : undefined
}
