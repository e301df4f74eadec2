import { statSync } from 'node:fs'
import { isAbsolute, relative, sep } from 'node:path'
import picomatch from 'picomatch'
import { normaliseRoots } from '../engine/roots'
import type { ScanOptions } from '../engine/scan'
import { readSettings, scanOptionsFromSettings } from '../settings'
import type { RunOverrides } from '../settings'
import type { Db } from '../storage/db'

/**
 * The scan options a watcher runs with: the settings stored in the inventory (the app's Settings
 * screen, which `aiscout scan --db` honours too) merged with what the process was started with
 * (`aiscout watch --root/--exclude/--no-hash`), the same way a scan merges them. Saved roots that
 * are not folders any more are left out (they are watched again once they exist and the settings
 * are read again).
 */
export function watchScanOptions(db: Db, base: ScanOptions, run: RunOverrides = {}): ScanOptions {
  const s = scanOptionsFromSettings(readSettings(db), {
    ...run,
    roots: [...(base.roots ?? []), ...(run.roots ?? [])],
    exclude: [...(base.exclude ?? []), ...(run.exclude ?? [])],
    hash: base.hash === false || run.hash === false ? false : undefined,
  })
  return {
    ...base,
    roots: s.roots.filter(isDir),
    exclude: s.exclude,
    hash: s.hash,
    verifyDigests: s.verifyDigests,
    runVersionCommands: s.runVersionCommands,
    identifyServers: s.identifyServers,
    scanSource: s.scanSource,
    scanEnvironment: s.scanEnvironment,
  }
}

/** Roots saved in the settings (or given at start) that are not folders now (a drive unplugged). */
export function missingRoots(db: Db, base: ScanOptions): string[] {
  const saved = [...(base.roots ?? []), ...readSettings(db).scan.roots]
  return saved.filter((r) => !isDir(r))
}

/**
 * A cheap token that changes whenever a settings section is written (any process, any
 * connection): compared on a slow timer, so a watcher notices settings saved by another process
 * without being told.
 */
export function settingsStamp(db: Db): string {
  const r = db
    .prepare(
      `SELECT coalesce(group_concat(section || '=' || updated_at || ':' || length(value), ';'), '') AS s
       FROM (SELECT section, updated_at, value FROM app_settings ORDER BY section)`,
    )
    .get() as { s: string }
  return r.s
}

/** What of the scan options decides what is watched and how rescans run. */
export function watchOptionsKey(o: ScanOptions): string {
  return JSON.stringify([
    o.home,
    normaliseRoots(o.roots ?? []),
    [...(o.exclude ?? [])].sort(),
    o.hash !== false,
    o.verifyDigests === true,
    o.runVersionCommands === true,
    o.identifyServers === true,
    o.scanSource === true,
    o.scanEnvironment === true,
  ])
}

/**
 * What a change of settings asks the watcher to rescan, so that the inventory becomes what a full
 * scan under the new settings would give without waiting for one:
 * - a root added: the folder, whole (what is already in it is found);
 * - a root removed: the folder (its crawled assets go, unless the home still covers them);
 * - an exclusion added: the inventory's paths it now skips, at the highest skipped folder (they go);
 * - an exclusion removed: every root (which folders it skipped is not known; a crawl of the roots
 *   at below-normal priority, once).
 * A change of hashing or probes rescans nothing by itself: it applies to every rescan from now on.
 */
export function settingsRescanPaths(
  db: Db,
  before: ScanOptions,
  after: ScanOptions,
): readonly string[] {
  const rootsBefore = new Set(normaliseRoots(before.roots ?? []))
  const rootsAfter = new Set(normaliseRoots(after.roots ?? []))
  const allAfter = normaliseRoots([after.home, ...rootsAfter])
  const out = new Set<string>()
  for (const r of rootsAfter) if (!rootsBefore.has(r)) out.add(r)
  for (const r of rootsBefore) if (!rootsAfter.has(r)) out.add(r)
  const exBefore = new Set(before.exclude ?? [])
  const exAfter = new Set(after.exclude ?? [])
  if ([...exBefore].some((g) => !exAfter.has(g))) for (const r of allAfter) out.add(r)
  const added = [...exAfter].filter((g) => !exBefore.has(g))
  if (added.length) for (const p of newlyExcluded(db, allAfter, added)) out.add(p)
  return [...out].sort()
}

/**
 * The highest folder (or file) on the way from a root down to each path the inventory knows that
 * one of `globs` now matches, as the crawl tests them: a glob with a `/` against the whole path,
 * one without against the name.
 */
function newlyExcluded(db: Db, roots: readonly string[], globs: readonly string[]): Set<string> {
  const byPath = picomatch([...globs], { dot: true })
  const names = globs.filter((g) => !g.includes('/'))
  const byName = names.length ? picomatch(names, { dot: true }) : undefined
  const rows = db
    .prepare(
      `SELECT path FROM assets WHERE status = 'present'
       UNION SELECT path FROM findings WHERE status = 'open'`,
    )
    .iterate() as IterableIterator<{ path: string }>
  const out = new Set<string>()
  for (const { path } of rows) {
    if (!isAbsolute(path)) continue
    const root = roots.find((r) => path === r || path.startsWith(r.endsWith(sep) ? r : r + sep))
    if (root === undefined) continue
    let at = root
    for (const name of relative(root, path).split(sep)) {
      at = at.endsWith(sep) ? at + name : at + sep + name
      if (byPath(at) || (byName?.(name) ?? false)) {
        out.add(at)
        break
      }
    }
  }
  return out
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}
