import { dirname, isAbsolute } from 'node:path'
import type { Db } from '../storage/db'
import type { KnownLocation } from './watch-set'

/**
 * What the inventory tells the watcher: the paths each locator claimed, listed, read or found
 * missing at the last scans (recorded per unit of work in `origin_paths`, so this follows the
 * locators without a list of their locations kept here), the model files the crawl found, and
 * the other files the inventory lists (keys found in files, notebooks).
 */
export function watchInputsFromInventory(db: Db): Readonly<{
  locations: KnownLocation[]
  modelFiles: string[]
  assetFiles: string[]
}> {
  const rows = db
    .prepare(
      `SELECT origin, path, how FROM origin_paths WHERE origin LIKE 'locator:%' ORDER BY path`,
    )
    .all() as { origin: string; path: string; how: string }[]
  const locations: KnownLocation[] = rows.map((r) => ({
    path: r.path,
    how:
      r.how === 'claim-dir'
        ? 'tree'
        : r.how === 'list'
          ? 'dir'
          : r.how === 'absent'
            ? 'absent'
            : 'file',
    source: r.origin.slice('locator:'.length),
  }))
  const modelFiles = (
    db
      .prepare(
        `SELECT path FROM assets WHERE status = 'present' AND kind = 'model' AND source = 'crawl'`,
      )
      .all() as { path: string }[]
  ).map((r) => r.path)
  // Keys found in files (not in the environment) and notebooks, by their real file path.
  const assetFiles = (
    db
      .prepare(
        `SELECT DISTINCT path FROM assets WHERE status = 'present' AND kind IN ('secret', 'notebook')`,
      )
      .all() as { path: string }[]
  )
    .map((r) => r.path)
    .filter((p) => isAbsolute(p))
  return { locations, modelFiles, assetFiles }
}

/**
 * The paths the inventory knows, by folder (present assets, open findings, paths a unit of work
 * depends on): after a pause, those that no longer exist were deleted meanwhile. One pass over
 * the inventory per call (the rescan after a pause or a restart asks once).
 */
export function knownPathsByFolder(db: Db): (dir: string) => readonly string[] {
  const byDir = new Map<string, string[]>()
  const rows = db
    .prepare(
      `SELECT path FROM assets WHERE status = 'present'
       UNION SELECT path FROM findings WHERE status = 'open'
       UNION SELECT path FROM origin_paths`,
    )
    .iterate() as IterableIterator<{ path: string }>
  for (const { path } of rows) {
    const d = dirname(path)
    const list = byDir.get(d)
    if (list) list.push(path)
    else byDir.set(d, [path])
  }
  return (dir) => byDir.get(dir) ?? []
}
