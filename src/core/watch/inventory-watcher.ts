import { basename } from 'node:path'
import picomatch from 'picomatch'
import { isPrunedDir } from '../engine/prune'
import { normaliseRoots } from '../engine/roots'
import type { ScanOptions, ScanSummary } from '../engine/scan'
import { scan } from '../engine/scan'
import type { Db } from '../storage/db'
import { knownPathsByFolder, watchInputsFromInventory } from './from-inventory'
import type { WatchEvent, WatchService } from './service'
import { createWatchService } from './service'
import type { SettleOptions } from './settle'
import type { SkipDir } from './tree-dirs'
import { planWatchSet } from './watch-set'

export type InventoryWatcherOptions = Readonly<{
  db: Db
  /** The inventory file: its own writes (and its -wal, -shm, -journal) are not changes to scan. */
  dbPath: string
  /** What every rescan runs with (home, roots, exclusions, hashing, probes); the scope is set here. */
  scan: ScanOptions
  budget?: number
  settle?: SettleOptions
  degradedEveryMs?: number
  /** Folders downloads land in (default: ~/Downloads and ~/Desktop of the scan's home). */
  dropFolders?: readonly string[]
  /** At start, rescan what changed since the last scan began (default true). */
  catchUp?: boolean
  /** Watch the whole home as a root too, budget permitting (default false). */
  watchHome?: boolean
  /**
   * Model files of at least this many bytes are committed with their verdict first and their
   * SHA-256 in a follow-up rescan (default 32 MiB; `false`: every digest before the commit).
   */
  deferDigestsFrom?: number | false
  onEvent?(e: WatchEvent<ScanSummary>): void
}>

/**
 * The watcher over an inventory: it watches what the inventory says matters (the locations the
 * locators used at the last scans, the folders where the crawl found model files, the drop
 * folders, the scan's extra roots), and every rescan is a scoped scan of the paths that changed,
 * which applies gone and resolved only inside them and records its delta in the change log. The
 * plan is rebuilt after every rescan, so a new store or model folder is watched from then on.
 */
export function createInventoryWatcher(o: InventoryWatcherOptions): WatchService {
  const home = normaliseRoots([o.scan.home])[0]!
  const roots = normaliseRoots(o.scan.roots ?? []).filter((r) => r !== home)
  const exclude = o.scan.exclude ?? []
  const excludedPath = exclude.length ? picomatch([...exclude], { dot: true }) : undefined
  const baseGlobs = exclude.filter((g) => !g.includes('/'))
  const excludedName = baseGlobs.length ? picomatch(baseGlobs, { dot: true }) : undefined
  const skipDir: SkipDir = (p, name, parent) =>
    isPrunedDir(name, parent) || (excludedPath?.(p) ?? false) || (excludedName?.(name) ?? false)
  const dbFiles = new Set(['', '-wal', '-shm', '-journal'].map((s) => o.dbPath + s))
  const deferFrom = o.deferDigestsFrom === false ? undefined : (o.deferDigestsFrom ?? DEFER_FROM)
  const service = createWatchService<ScanSummary>({
    plan: () =>
      planWatchSet({
        home,
        roots,
        dropFolders: o.dropFolders,
        watchHome: o.watchHome,
        ...watchInputsFromInventory(o.db),
      }).filter((t) => !skipDir(t.path, basename(t.path), '') || t.reason === 'location'),
    runScan: async (request, signal) => {
      const s = await scan(
        o.db,
        {
          ...o.scan,
          scope: { kind: 'paths', paths: request.paths },
          // The follow-up of deferred digests computes them; every other rescan defers.
          deferDigestsFrom: request.reason === 'digest' ? undefined : deferFrom,
        },
        { signal },
      )
      if (s.digestsPending?.length) service.rescan(s.digestsPending, 'digest')
      return s
    },
    budget: o.budget,
    skipDir,
    ignorePath: (p) => dbFiles.has(p),
    settle: o.settle,
    degradedEveryMs: o.degradedEveryMs,
    since: o.catchUp === false ? undefined : lastScanStart(o.db),
    knownPaths: () => knownPathsByFolder(o.db),
    onEvent: o.onEvent,
  })
  return {
    ...service,
    start: async () => {
      await service.start()
      // Digests a watcher left pending when it stopped (quit, crash) are computed now.
      const pending = pendingDigests(o.db)
      if (pending.length) service.rescan(pending, 'digest')
    },
  }
}

/** Model files a rescan committed with their digest pending (see `deferDigestsFrom`). */
const DEFER_FROM = 32 * 1024 * 1024

/** Present assets whose digest is still pending. */
export function pendingDigests(db: Db): string[] {
  return (
    db
      .prepare(
        `SELECT path FROM assets WHERE status = 'present' AND kind = 'model'
         AND json_extract(details, '$.digestPending') = 1`,
      )
      .all() as { path: string }[]
  ).map((r) => r.path)
}

/** When the latest completed scan began (ms since the epoch), if any. */
export function lastScanStart(db: Db): number | undefined {
  const r = db
    .prepare(`SELECT max(started_at) AS t FROM scans WHERE status = 'complete'`)
    .get() as { t: string | null }
  return r.t ? Date.parse(r.t) : undefined
}

/** When the latest completed full scan began (ms since the epoch), if any: the schedule's clock. */
export function lastFullScanStart(db: Db): number | undefined {
  const r = db
    .prepare(
      `SELECT max(started_at) AS t FROM scans WHERE status = 'complete' AND scope LIKE '{"kind":"full"%'`,
    )
    .get() as { t: string | null }
  return r.t ? Date.parse(r.t) : undefined
}

/** Whether the inventory holds a completed full scan (the watcher's plan comes from one). */
export function hasFullScan(db: Db): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM scans WHERE status = 'complete' AND scope LIKE '{"kind":"full"%' LIMIT 1`,
      )
      .get() !== undefined
  )
}
