import { existsSync, lstatSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isOpenForWriting } from './open-writers'

/**
 * Names of files still being downloaded: Chromium (`.crdownload`), Firefox (`.part`, beside an
 * empty file of the final name), Safari (`.download`), the Hugging Face hub (`.incomplete`),
 * curl/wget/aria2 and download managers (`.partial`, `.aria2`, `.!qB`). The browser renames the
 * finished file to its final name, and that rename is the event the watcher acts on.
 */
const PARTIAL_SUFFIXES = [
  '.crdownload',
  '.part',
  '.partial',
  '.download',
  '.incomplete',
  '.aria2',
  '.!qb',
  '.tmp',
] as const

export function isPartialDownload(path: string): boolean {
  const name = basename(path).toLowerCase()
  return PARTIAL_SUFFIXES.some((s) => name.endsWith(s))
}

/** Firefox keeps an empty file of the final name while `<name>.part` grows. */
function hasPartialSibling(path: string): boolean {
  return (
    existsSync(`${path}.part`) || existsSync(`${path}.crdownload`) || existsSync(`${path}.download`)
  )
}

export type SettleOptions = Readonly<{
  /**
   * Quiet time after the last event before a path is looked at (ms). Copies and downloads write
   * continuously, so their last event is followed by silence; 400 ms keeps the 2 s target for a
   * 1 GB copy (the rest is the digest and the scan).
   */
  quietMs?: number
  /**
   * A writer that pauses between chunks is waited for: the quiet time grows to `gapFactor` times
   * the longest pause seen between its events, up to `maxQuietMs`.
   */
  gapFactor?: number
  maxQuietMs?: number
  /** Clock (tests of the schedule logic may pass their own). */
  now?: () => number
  /**
   * Whether a file that went quiet is still open for writing (default: Linux /proc, for files
   * of at least `openCheckBytes`); such a file waits another quiet period.
   */
  isOpenForWriting?: (path: string) => boolean | undefined
  /** Files smaller than this are not checked for writers (default 16 MiB). */
  openCheckBytes?: number
}>

/**
 * `due`: when the path is looked at (the quiet time, grown for a writer that pauses); `early`:
 * when a large file is looked at before that, to settle it at once if its writer has closed it.
 */
/** Entries of a new folder looked at for files still being written (see stillWrittenIn). */
const DIR_LOOK_ENTRIES = 2000

type Entry = { first: number; last: number; maxGap: number; due: number; early: number }

/** What a settled path was when it was looked at. */
export type SettledPath = Readonly<{ path: string; exists: boolean }>

export type Settler = Readonly<{
  /** An event on `path` (created, written, renamed, deleted). */
  touch(path: string): void
  /** Paths waiting for quiet. */
  pending(): number
  /** The paths waiting, forgotten (pausing hands them to the resume rescan). */
  drain(): string[]
  dispose(): void
}>

/**
 * Debounces and coalesces file-system events per path: every event on a path pushes its deadline
 * back, so a file written in ten thousand chunks is looked at once, after its writer went quiet.
 * One timer serves all paths (armed for the earliest deadline, none while nothing is pending, so
 * an idle watcher costs no wake-ups). When a deadline passes the path is looked at once more: a
 * file modified after its last event (an event the OS dropped), or a large one some process
 * still holds open for writing, waits again; a partial download is never reported (its rename
 * to the final name is); the rest is handed over in one batch per timer run.
 */
export function createSettler(
  /** Paths that settled in one timer run (possibly none, when all were skipped or still busy). */
  onSettled: (batch: readonly SettledPath[]) => void,
  o: SettleOptions = {},
): Settler {
  const quiet = o.quietMs ?? 400
  const factor = o.gapFactor ?? 3
  const maxQuiet = Math.max(quiet, o.maxQuietMs ?? 5000)
  const now = o.now ?? Date.now
  const openForWriting = o.isOpenForWriting ?? isOpenForWriting
  const openCheckBytes = o.openCheckBytes ?? 16 * 1024 * 1024
  const entries = new Map<string, Entry>()
  let timer: NodeJS.Timeout | undefined
  let timerAt = Infinity
  let disposed = false

  const arm = (at: number): void => {
    if (disposed || at >= timerAt) return
    if (timer) clearTimeout(timer)
    timerAt = at
    timer = setTimeout(fire, Math.max(0, at - now()))
  }

  const fire = (): void => {
    timer = undefined
    timerAt = Infinity
    const t = now()
    const batch: SettledPath[] = []
    let next = Infinity
    for (const [path, e] of entries) {
      if (e.due > t) {
        // A writer that paused made the quiet time longer; once the plain quiet time has passed,
        // a large file that no process holds open for writing any more is complete (Linux).
        if (e.early <= t) {
          // Looked at again every quiet period while it waits (only large files pending cost
          // a walk of /proc).
          e.early = t + quiet < e.due ? t + quiet : Infinity
          if (closedLargeFile(path, t)) {
            entries.delete(path)
            batch.push({ path, exists: true })
            continue
          }
        }
        next = Math.min(next, e.due, e.early)
        continue
      }
      // A file whose mtime keeps moving without events (a clock ahead of ours, a file system
      // that drops events) is taken as it is once its events stopped long enough ago.
      const seen = look(path, t - e.last >= maxQuiet)
      if (seen === 'busy') {
        // Written after its last event: wait one more quiet period.
        e.due = t + quiet
        next = Math.min(next, e.due)
        continue
      }
      entries.delete(path)
      if (seen !== 'skip') batch.push({ path, exists: seen === 'present' })
    }
    if (next < Infinity) arm(next)
    // Called even when every due path was skipped: the caller learns that nothing is waiting.
    onSettled(batch)
  }

  const closedLargeFile = (path: string, t: number): boolean => {
    let st
    try {
      st = lstatSync(path)
    } catch {
      return false
    }
    return (
      st.isFile() &&
      st.size >= openCheckBytes &&
      t - st.mtimeMs >= quiet / 2 &&
      openForWriting(path) === false
    )
  }

  /**
   * A folder that appeared (a download or a copy into a new folder, `git clone`) is rescanned
   * whole: it waits while a file in it is still being written, so that no file in it is scanned
   * half-written (a large file some process holds open for writing keeps it waiting however
   * long). Looks at its first DIR_LOOK_ENTRIES entries, subfolders included.
   */
  const stillWrittenIn = (dir: string, overdue: boolean): boolean => {
    const t = now()
    const large: string[] = []
    const queue = [dir]
    let seen = 0
    for (let head = 0; head < queue.length && seen < DIR_LOOK_ENTRIES; head++) {
      let names: string[]
      try {
        names = readdirSync(queue[head]!)
      } catch {
        continue
      }
      for (const name of names) {
        if (++seen > DIR_LOOK_ENTRIES) break
        const p = join(queue[head]!, name)
        let st
        try {
          st = lstatSync(p)
        } catch {
          continue
        }
        if (st.isDirectory()) queue.push(p)
        else if (st.isFile()) {
          // Timestamps stop counting once the folder is overdue (see fire); open writers do not.
          if (!overdue && (isPartialDownload(p) || t - st.mtimeMs < quiet / 2)) return true
          if (st.size >= openCheckBytes && large.length < 8) large.push(p)
        }
      }
    }
    return large.some((p) => openForWriting(p) === true)
  }

  const look = (path: string, overdue: boolean): 'present' | 'absent' | 'busy' | 'skip' => {
    let st
    try {
      st = lstatSync(path)
    } catch {
      return 'absent'
    }
    if (st.isDirectory() && stillWrittenIn(path, overdue)) return 'busy'
    if (st.isFile()) {
      if (!overdue && now() - st.mtimeMs < quiet / 2) return 'busy'
      if (st.size === 0 && hasPartialSibling(path)) return 'skip'
      if (!overdue && st.size >= openCheckBytes && openForWriting(path) === true) return 'busy'
    }
    return 'present'
  }

  return {
    touch(path) {
      if (disposed || isPartialDownload(path)) return
      const t = now()
      let e = entries.get(path)
      if (!e) {
        e = { first: t, last: t, maxGap: 0, due: t + quiet, early: Infinity }
        entries.set(path, e)
      } else {
        const gap = t - e.last
        if (gap < maxQuiet) e.maxGap = Math.max(e.maxGap, gap)
        e.last = t
        e.due = t + Math.min(maxQuiet, Math.max(quiet, factor * e.maxGap))
        e.early = e.due > t + quiet ? t + quiet : Infinity
      }
      // The timer stays armed for an earlier deadline; a later one is picked up when it fires.
      arm(Math.min(e.due, e.early))
    },
    pending: () => entries.size,
    drain() {
      const paths = [...entries.keys()]
      entries.clear()
      if (timer) clearTimeout(timer)
      timer = undefined
      timerAt = Infinity
      return paths
    },
    dispose() {
      disposed = true
      if (timer) clearTimeout(timer)
      timer = undefined
      entries.clear()
    },
  }
}
