import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs'
import { basename, join } from 'node:path'
import type { SkippedEntry, SkipReason } from '../types'

export type WalkOptions = Readonly<{
  /** Return true to skip a directory (pruning, exclusions, claimed store dirs). */
  skipDir(path: string, name: string, parentName: string): boolean
  /** Called for each regular file; must be cheap (name lookups only). */
  onFile(path: string, name: string, dir: string): void
  onSkip(entry: SkippedEntry): void
  /** A directory whose absolute path is beyond PATH_MAX; when absent it is recorded as skipped. */
  onTooLong?(path: string): void
  onDir?(path: string): void
  /** Directory reads kept in flight: several, so a cold cache is not walked one seek at a time. */
  concurrency?: number
  /** Back-pressure: while this returns true no new directory is opened. */
  shouldPause?(): boolean
  /** Resolves when the consumer has drained enough to continue. */
  waitForDrain?(): Promise<void>
  signal?: AbortSignal
  platform?: NodeJS.Platform
  /** Directory reader (tests inject failures and races; production uses fs.readdir). */
  readdir?: ReaddirFn
}>

export type ReaddirFn = (
  path: string,
  cb: (err: NodeJS.ErrnoException | null, entries: Dirent[]) => void,
) => void

const fsReaddir: ReaddirFn = (path, cb) => readdir(path, { withFileTypes: true }, cb)

/** Maps an errno code to a skip reason the UI can explain. */
export function skipReasonFor(code: string | undefined, platform: NodeJS.Platform): SkipReason {
  switch (code) {
    case 'EACCES':
      return 'permission-denied'
    case 'EPERM':
      // macOS answers EPERM (not EACCES) for folders guarded by privacy protection (TCC).
      return platform === 'darwin' ? 'privacy-protected' : 'permission-denied'
    case 'ENAMETOOLONG':
      return 'path-too-long'
    case 'ELOOP':
      return 'symlink-loop'
    case 'ENOENT':
      return 'vanished'
    case 'ENOTDIR':
      return 'not-a-directory'
    default:
      return 'error'
  }
}

function describe(reason: SkipReason, code: string | undefined): string {
  switch (reason) {
    case 'permission-denied':
      return 'Permission denied: AI Scout cannot read this folder'
    case 'privacy-protected':
      return 'Protected by macOS privacy settings: grant AI Scout Full Disk Access to include it'
    case 'path-too-long':
      return 'Path longer than the operating system limit'
    case 'symlink-loop':
      return 'Too many levels of symbolic links'
    case 'vanished':
      return 'Removed while the scan was running'
    case 'not-a-directory':
      return 'Replaced by a file while the scan was running'
    default:
      return `Could not read (${code ?? 'unknown error'})`
  }
}

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 */
export function walk(roots: readonly string[], opts: WalkOptions): Promise<void> {
  const limit = Math.max(1, opts.concurrency ?? 8)
  const platform = opts.platform ?? process.platform
  const queue: string[] = [...roots]
  let active = 0
  let draining = false
  return new Promise((resolvePromise) => {
    const done = (): boolean => {
      if (active === 0 && queue.length === 0) {
        resolvePromise()
        return true
      }
      return false
    }
    const pump = (): void => {
      if (opts.signal?.aborted) {
        queue.length = 0
        if (active === 0) resolvePromise()
        return
      }
      if (opts.shouldPause?.() && opts.waitForDrain) {
        if (!draining) {
          draining = true
          void opts.waitForDrain().then(() => {
            draining = false
            pump()
          })
        }
        return
      }
      while (active < limit && queue.length > 0) {
        const dir = queue.pop()!
        active++
        ;(opts.readdir ?? fsReaddir)(dir, (err, entries) => {
          active--
          if (err && err.code === 'ENAMETOOLONG' && opts.onTooLong) {
            opts.onTooLong(dir)
          } else if (err) {
            const code = err.code
            const reason = skipReasonFor(code, platform)
            opts.onSkip({ path: dir, reason, code, message: describe(reason, code) })
          } else {
            visit(dir, entries)
          }
          if (!done()) pump()
        })
      }
      done()
    }
    const visit = (dir: string, entries: Dirent[]): void => {
      opts.onDir?.(dir)
      const parentName = basename(dir)
      for (const e of entries) {
        const name = e.name
        if (e.isDirectory()) {
          const p = join(dir, name)
          if (!opts.skipDir(p, name, parentName)) queue.push(p)
        } else if (e.isFile()) {
          opts.onFile(join(dir, name), name, dir)
        }
        // Symlinks (to files or dirs), sockets, FIFOs and devices are not followed or read.
      }
    }
    pump()
  })
}
