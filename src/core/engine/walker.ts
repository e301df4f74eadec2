import type { Dirent } from 'node:fs'
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename, join } from 'node:path'
import { Worker } from 'node:worker_threads'
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
  /** Callback-reader concurrency (only with an injected `readdir`, or `concurrency: 0` to use fs.readdir). */
  concurrency?: number
  /** Force this many reader threads from the start (default: synchronous, moving to 2-4 threads when reads are slow). */
  workers?: number
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

/** Entry types as sent back by a directory reader. */
const T_OTHER = 0
const T_FILE = 1
const T_DIR = 2

/**
 * One directory read: its entries are `names[start..end)` / `types[start..end)` (shared arrays of
 * a whole batch, so nothing is copied per directory), or the errno code that stopped it.
 */
type DirResult = Readonly<{
  dir: string
  code?: string
  names?: readonly string[]
  types?: ArrayLike<number>
  start?: number
  end?: number
}>

/** Something that reads batches of directories and calls back with their results. */
type DirReader = Readonly<{
  /** How many batches may be in flight at once. */
  slots: number
  /** Dirs per batch (1 for the callback reader). */
  batch(queued: number): number
  read(dirs: readonly string[], cb: (results: readonly DirResult[]) => void): void
  close(): void
}>

/**
 * Reads directories in worker threads with readdirSync. Measured on the project's VMs: the async
 * fs.readdir path costs about twice the CPU of readdirSync (one thread hand-off per directory),
 * while a single synchronous walker is slow on a cold cache. Several workers reading batches
 * synchronously keep several directory reads in flight at the CPU cost of a synchronous walk.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { readdirSync } = require('node:fs')
parentPort.on('message', (dirs) => {
  // One string of NUL-separated names (NUL cannot occur in a file name) and one byte per entry:
  // far cheaper to post than arrays of small strings.
  const names = []
  const types = []
  const counts = new Int32Array(dirs.length)
  const codes = new Array(dirs.length)
  for (let d = 0; d < dirs.length; d++) {
    try {
      const es = readdirSync(dirs[d], { withFileTypes: true })
      counts[d] = es.length
      for (const e of es) {
        names.push(e.name)
        types.push(e.isFile() ? ${T_FILE} : e.isDirectory() ? ${T_DIR} : ${T_OTHER})
      }
    } catch (e) {
      counts[d] = -1
      codes[d] = (e && e.code) || 'EIO'
    }
  }
  parentPort.postMessage({ dirs, codes, counts, names: names.join('\\0'), types: Uint8Array.from(types) })
})
`

type WorkerBatch = Readonly<{
  dirs: readonly string[]
  codes: readonly (string | undefined)[]
  counts: Int32Array
  names: string
  types: Uint8Array
}>

function unpack(b: WorkerBatch): DirResult[] {
  const all = b.names.length ? b.names.split('\0') : []
  const out: DirResult[] = []
  let at = 0
  for (let d = 0; d < b.dirs.length; d++) {
    const n = b.counts[d]!
    if (n < 0) {
      out.push({ dir: b.dirs[d]!, code: b.codes[d] ?? 'EIO' })
      continue
    }
    out.push({ dir: b.dirs[d]!, names: all, types: b.types, start: at, end: at + n })
    at += n
  }
  return out
}

function workerReader(count: number): DirReader {
  const idle: Worker[] = []
  const all: Worker[] = []
  for (let i = 0; i < count; i++) {
    const w = new Worker(WORKER_SOURCE, { eval: true })
    all.push(w)
    idle.push(w)
  }
  return {
    slots: count,
    batch: (queued) => Math.max(1, Math.min(64, Math.ceil(queued / count))),
    read(dirs, cb) {
      const w = idle.pop()!
      w.once('message', (batch: WorkerBatch) => {
        idle.push(w)
        cb(unpack(batch))
      })
      w.postMessage(dirs)
    },
    close() {
      for (const w of all) void w.terminate()
    },
  }
}

/**
 * Reads on the calling thread with readdirSync, a batch at a time, and yields to the event loop
 * between batches (so hashing and analysis jobs keep running). `onSlow` reports the mean time per
 * directory so the walk can move to worker threads when the disk, not the CPU, is the limit.
 */
function syncReader(onTiming: (dirs: number, ns: bigint) => void): DirReader {
  return {
    slots: 1,
    batch: (queued) => Math.min(256, queued),
    read(dirs, cb) {
      const out: DirResult[] = []
      const t0 = process.hrtime.bigint()
      for (const dir of dirs) {
        try {
          const es = readdirSync(dir, { withFileTypes: true })
          const names = new Array<string>(es.length)
          const types = new Uint8Array(es.length)
          for (let i = 0; i < es.length; i++) {
            const e = es[i]!
            names[i] = e.name
            types[i] = e.isFile() ? T_FILE : e.isDirectory() ? T_DIR : T_OTHER
          }
          out.push({ dir, names, types })
        } catch (e) {
          out.push({ dir, code: (e as NodeJS.ErrnoException).code ?? 'EIO' })
        }
      }
      onTiming(dirs.length, process.hrtime.bigint() - t0)
      setImmediate(() => cb(out))
    },
    close() {},
  }
}

/** Mean readdir time per directory above which the disk is cold and workers take over. */
const COLD_NS_PER_DIR = 150_000n

function callbackReader(readdirFn: ReaddirFn, limit: number): DirReader {
  return {
    slots: limit,
    batch: () => 1,
    read(dirs, cb) {
      const dir = dirs[0]!
      readdirFn(dir, (err, entries) => {
        if (err) cb([{ dir, code: err.code ?? 'EIO' }])
        else
          cb([
            {
              dir,
              names: entries.map((e) => e.name),
              types: entries.map((e) => (e.isFile() ? T_FILE : e.isDirectory() ? T_DIR : T_OTHER)),
            },
          ])
      })
    },
    close() {},
  }
}

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 */
export function walk(roots: readonly string[], opts: WalkOptions): Promise<void> {
  const platform = opts.platform ?? process.platform
  // Warm cache: a synchronous reader costs the least CPU. Cold cache (slow reads): several
  // worker threads keep reads in flight. The walk starts synchronous and switches when reads
  // turn out slow, unless told otherwise (tests inject a reader; `workers` forces threads).
  let switchToWorkers = false
  const sync = syncReader((dirs, ns) => {
    if (dirs >= 16 && ns / BigInt(dirs) > COLD_NS_PER_DIR) switchToWorkers = true
  })
  let reader: DirReader = opts.readdir
    ? callbackReader(opts.readdir, Math.max(1, opts.concurrency ?? 8))
    : opts.workers !== undefined && opts.workers > 0
      ? workerReader(opts.workers)
      : sync
  const queue: string[] = [...roots]
  let active = 0
  let draining = false
  return new Promise<void>((resolvePromise) => {
    const finish = (): void => {
      reader.close()
      resolvePromise()
    }
    const pump = (): void => {
      if (opts.signal?.aborted) {
        queue.length = 0
        if (active === 0) finish()
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
      if (switchToWorkers && reader === sync && active === 0) {
        switchToWorkers = false
        reader = workerReader(defaultWorkers())
      }
      while (active < reader.slots && queue.length > 0) {
        const n = reader.batch(queue.length)
        const dirs = queue.splice(Math.max(0, queue.length - n), n)
        active++
        reader.read(dirs, (results) => {
          active--
          for (const r of results) handle(r)
          pump()
        })
      }
      if (active === 0 && queue.length === 0) finish()
    }
    const handle = (r: DirResult): void => {
      if (r.code !== undefined) {
        if (r.code === 'ENAMETOOLONG' && opts.onTooLong) {
          opts.onTooLong(r.dir)
          return
        }
        const reason = skipReasonFor(r.code, platform)
        opts.onSkip({ path: r.dir, reason, code: r.code, message: describe(reason, r.code) })
        return
      }
      const dir = r.dir
      opts.onDir?.(dir)
      const parentName = basename(dir)
      const names = r.names!
      const types = r.types!
      const end = r.end ?? names.length
      for (let i = r.start ?? 0; i < end; i++) {
        const name = names[i]!
        const t = types[i]
        if (t === T_DIR) {
          const p = join(dir, name)
          if (!opts.skipDir(p, name, parentName)) queue.push(p)
        } else if (t === T_FILE) {
          opts.onFile(join(dir, name), name, dir)
        }
        // Symlinks (to files or dirs), sockets, FIFOs and devices are not followed or read.
      }
    }
    pump()
  })
}

function defaultWorkers(): number {
  return Math.min(4, Math.max(2, availableParallelism()))
}
