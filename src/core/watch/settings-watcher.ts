import type { ScanOptions } from '../engine/scan'
import type { InventoryWatcherOptions } from './inventory-watcher'
import { createInventoryWatcher } from './inventory-watcher'
import type { WatchService } from './service'
import {
  settingsRescanPaths,
  missingRoots,
  settingsStamp,
  watchOptionsKey,
  watchScanOptions,
} from './settings-watch'

/** How often the stored settings are compared when nobody says they changed. */
export const SETTINGS_CHECK_EVERY_MS = 5_000

export type SettingsWatcherOptions = Omit<InventoryWatcherOptions, 'scan'> &
  Readonly<{
    /**
     * What the process was started with (home, extra roots and exclusions, `--no-hash`, the
     * environment, the analysis worker); the inventory's stored settings are merged over it.
     */
    base: ScanOptions
    /** How often the stored settings are compared (default 5 s); `reload()` looks at once. */
    checkEveryMs?: number
  }>

export type SettingsWatcher = WatchService &
  Readonly<{
    /**
     * Reads the stored settings again; if what is watched or how rescans run changed, re-plans the
     * watches (no restart of the process) and rescans what the change asks for. Resolves whether
     * anything changed.
     */
    reload(): Promise<boolean>
    /** The scan options rescans run with now. */
    options(): ScanOptions
  }>

/**
 * The inventory watcher under the user's settings (the app's Settings screen, stored in the
 * inventory): it watches the saved scan roots and honours the saved exclusions, hashing and
 * probes, and follows them when they change — told by `reload()` (the app, right after a save) or
 * found by comparing a stamp of the settings table every few seconds (another process saved
 * them). A change swaps the inner watcher for one planned under the new settings: paused stays
 * paused, a hold stays held, and what changed meanwhile is caught up from the inventory's last
 * scan.
 */
export function createSettingsWatcher(o: SettingsWatcherOptions): SettingsWatcher {
  const { base, checkEveryMs, ...rest } = o
  let options = watchScanOptions(o.db, base)
  let key = watchOptionsKey(options)
  let stamp = settingsStamp(o.db)
  // A saved root that is not there (a drive unplugged) is looked for again at every check.
  let missing = missingRoots(o.db, base).length
  let inner = createInventoryWatcher({ ...rest, scan: options })
  let holds = 0
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let ops: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = ops.then(fn, fn)
    ops = p.catch(() => undefined)
    return p
  }

  const reload = (): Promise<boolean> =>
    serial(async () => {
      if (stopped) return false
      const now = settingsStamp(o.db)
      if (now === stamp && (missing === 0 || missingRoots(o.db, base).length === missing))
        return false
      stamp = now
      missing = missingRoots(o.db, base).length
      const next = watchScanOptions(o.db, base)
      const nextKey = watchOptionsKey(next)
      if (nextKey === key) return false
      const rescan = settingsRescanPaths(o.db, options, next)
      const was = inner.status()
      await inner.stop()
      options = next
      key = nextKey
      inner = createInventoryWatcher({ ...rest, scan: options })
      for (let i = 0; i < holds; i++) inner.hold()
      // Held while it starts, so that a paused watcher rescans nothing before it is paused
      // again: what its start found to catch up with waits for the resume.
      inner.hold()
      await inner.start()
      if (was.state === 'paused') await inner.pause(was.pausedUntil)
      if (rescan.length) inner.rescan(rescan, 'settings')
      inner.release()
      return true
    })

  return {
    start: () =>
      serial(async () => {
        await inner.start()
        if (!stopped && !timer)
          timer = setInterval(() => {
            void reload().catch((e: Error) =>
              o.onEvent?.({ type: 'error', message: `settings: ${e.message}` }),
            )
          }, checkEveryMs ?? SETTINGS_CHECK_EVERY_MS)
      }),
    pause: (until) => serial(() => inner.pause(until)),
    resume: () => serial(() => inner.resume()),
    refresh: () => serial(() => inner.refresh()),
    rescan: (paths, reason) => inner.rescan(paths, reason),
    hold() {
      holds++
      inner.hold()
    },
    release() {
      holds = Math.max(0, holds - 1)
      inner.release()
    },
    async idle() {
      await ops
      await inner.idle()
    },
    status: (so) => inner.status(so),
    stop: () =>
      serial(async () => {
        stopped = true
        clearInterval(timer)
        timer = undefined
        await inner.stop()
      }),
    reload,
    options: () => options,
  }
}
