import type { Dirent } from 'node:fs'
import { readdir, readdirSync } from 'node:fs'
import { basename } from 'node:path'
import type { SkippedEntry, SkipReason } from '../types'
import { fsSkipReason } from '../util/fs'

export type WalkOptions = Readonly<{
  /** Return true to skip a directory (pruning, exclusions, claimed store dirs). */
  skipDir(path: string, name: string, parentName: string): boolean
  /** Called for each regular file; must be cheap (name lookups only). */
  onFile(path: string, name: string, dir: string): void
  onSkip(entry: SkippedEntry): void
  /** A directory whose absolute path is beyond PATH_MAX; when absent it is recorded as skipped. */
  onTooLong?(path: string): void
  onDir?(path: string): void
  /** Callback-reader concurrency (only with an injected `readdir`). */
  concurrency?: number
  /** Most directory reads in flight on the thread pool beside the caller's own (0: none). */
  inFlight?: number
  /** false: only the thread pool reads (the walk also switches to that when reads turn slow). */
  readOnCaller?: boolean
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

/** Maps an errno code to a skip reason the UI can explain. */
export function skipReasonFor(code: string | undefined, platform: NodeJS.Platform): SkipReason {
  return fsSkipReason(code, { platform, fallback: 'error' })
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

/** Mean readdirSync time per directory above which the disk is cold and only the pool reads. */
const COLD_NS_PER_DIR = 150_000
/** The caller yields to the event loop (analysis jobs, finished pool reads) after this long. */
const SLICE_NS = 1_000_000
/** Pool reads in flight beside the caller (measured best on a warm 300k-file home: 256-512). */
const IN_FLIGHT = 256

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 *
 * Measured on the project's 2-core VMs (bench "crawl + classify"): the kernel's work in the
 * directory reads is most of the cost, so a walk on one thread takes about twice fd's wall time
 * whatever the JavaScript does. The calling thread reads synchronously in short slices (the
 * cheapest per directory) while up to IN_FLIGHT reads run on libuv's thread pool beside it; their
 * entries are handled when the caller yields. Worker threads were tried instead and cost more
 * CPU (a thread to start, every name copied between threads). When reads turn slow (a cold disk)
 * the caller stops reading and the pool alone keeps many reads in flight.
 */
export function walk(roots: readonly string[], opts: WalkOptions): Promise<void> {
  const platform = opts.platform ?? process.platform
  const sep = platform === 'win32' ? '\\' : '/'
  const queue: string[] = [...roots]
  const readdirFn = opts.readdir
  const limit = readdirFn ? Math.max(1, opts.concurrency ?? 8) : (opts.inFlight ?? IN_FLIGHT)
  let readOnCaller = !readdirFn && opts.readOnCaller !== false
  if (!readOnCaller && limit === 0) readOnCaller = true
  let inflight = 0
  let scheduled = false
  let draining = false
  let done = false
  /** Finished pool reads (directory, then its entries or the error), handled by the next pump. */
  const ready: (string | Dirent[] | NodeJS.ErrnoException)[] = []

  const fail = (dir: string, code: string | undefined): void => {
    if (code === 'ENAMETOOLONG' && opts.onTooLong) {
      opts.onTooLong(dir)
      return
    }
    const reason = skipReasonFor(code, platform)
    opts.onSkip({ path: dir, reason, code, message: describe(reason, code) })
  }
  const handle = (dir: string, entries: readonly Dirent[]): void => {
    opts.onDir?.(dir)
    const parentName = basename(dir)
    // Plain concatenation: `dir` is already normalised, and path.join per entry was a tenth of
    // the walk's CPU.
    const prefix = dir.endsWith(sep) ? dir : dir + sep
    for (const e of entries) {
      const name = e.name
      if (e.isDirectory()) {
        const p = prefix + name
        if (!opts.skipDir(p, name, parentName)) queue.push(p)
      } else if (e.isFile()) {
        opts.onFile(prefix + name, name, dir)
      }
      // Symlinks (to files or dirs), sockets, FIFOs and devices are not followed or read.
    }
  }
  const read =
    readdirFn ??
    ((dir: string, cb: Parameters<ReaddirFn>[1]) => readdir(dir, { withFileTypes: true }, cb))

  return new Promise<void>((resolvePromise) => {
    const schedule = (): void => {
      if (scheduled || done) return
      scheduled = true
      setImmediate(pump)
    }
    const issue = (): void => {
      // The pool takes up to half of the queue (all of it when the caller does not read).
      const keep = readOnCaller ? Math.ceil(queue.length / 2) : 0
      while (inflight < limit && queue.length > keep) {
        const dir = queue.pop()!
        inflight++
        read(dir, (err, entries) => {
          inflight--
          ready.push(dir, err ?? entries)
          schedule()
        })
      }
    }
    const pump = (): void => {
      scheduled = false
      if (done) return
      for (let i = 0; i < ready.length; i += 2) {
        const dir = ready[i] as string
        const r = ready[i + 1]!
        if (Array.isArray(r)) handle(dir, r)
        else fail(dir, (r as NodeJS.ErrnoException).code ?? 'EIO')
      }
      ready.length = 0
      if (opts.signal?.aborted) queue.length = 0
      else if (opts.shouldPause?.() && opts.waitForDrain) {
        if (!draining) {
          draining = true
          void opts.waitForDrain().then(() => {
            draining = false
            schedule()
          })
        }
        return
      }
      issue()
      if (readOnCaller && queue.length > 0) {
        const t0 = process.hrtime.bigint()
        let n = 0
        let ns = 0
        while (queue.length > 0) {
          const dir = queue.pop()!
          let entries: Dirent[]
          try {
            entries = readdirSync(dir, { withFileTypes: true })
          } catch (e) {
            fail(dir, (e as NodeJS.ErrnoException).code ?? 'EIO')
            continue
          } finally {
            n++
          }
          handle(dir, entries)
          if ((n & 15) === 0) {
            ns = Number(process.hrtime.bigint() - t0)
            if (ns > SLICE_NS || opts.shouldPause?.()) break
          }
        }
        ns = Number(process.hrtime.bigint() - t0)
        // A cold disk: synchronous reads would block the caller (and the analysis jobs on its
        // event loop); the pool alone keeps reads in flight.
        if (n >= 16 && ns / n > COLD_NS_PER_DIR && limit > 0) readOnCaller = false
        issue()
        schedule()
        return
      }
      // (A reader may call back synchronously: its result waits in `ready` for the next pump.)
      if (inflight === 0 && queue.length === 0 && ready.length === 0) {
        done = true
        resolvePromise()
      }
      // Otherwise the next finished pool read schedules the next pump.
    }
    pump()
  })
}
