import type { Dirent } from 'node:fs'
import { readdirSync } from 'node:fs'
import { basename, sep as pathSep } from 'node:path'
import { callbackWalk } from './callback-walk'
import { createDrainGate } from './drain'
import { HELPER_SOURCE } from './helper'
import type { SideReader, SideReaderEvents } from './readers'
import { workerReader } from './readers'
import type { ListingVisitor } from './readout'
import { readListing, TYPE_DIR, TYPE_FILE } from './readout'
import { describeSkip, skipReasonFor } from './skips'
import type { WalkOptions } from './types'

/** Mean read time per directory above which the disk is cold and only side readers read. */
const COLD_NS_PER_DIR = 150_000
/** The caller yields to the event loop (analysis jobs, side readers' answers) after this long. */
const SLICE_NS = 2_000_000
/**
 * The helper is a Worker (its own V8 isolate): a small tree never pays for one. It starts once
 * the caller has read this many directories ...
 */
const SPAWN_AFTER_DIRS = 256
/**
 * ... and only while reading is most of what the caller does: when analysis jobs (notebooks, keys,
 * model scans) fill its event loop, the scan is not waiting on the walk, and a helper would only
 * add its memory.
 */
const SPAWN_MIN_READING_SHARE = 0.6
/** Most directories handed to a side reader at once. */
const MAX_BATCH = 128
/** Side readers while reads are slow: several reads in flight keep a cold disk busy. */
const COLD_READERS = 4

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 *
 * The kernel's work in the directory reads is most of a walk's cost, so one thread cannot go
 * much faster whatever the JavaScript does: the calling thread reads synchronously with
 * readdirSync in short slices (the cheapest per directory) and, for a tree bigger than a few
 * hundred folders, one helper Worker reads batches beside it; the caller collects its answers
 * between its own reads (README, "The crawl", for the figures and the alternatives tried).
 * When reads turn slow (a cold disk) the caller stops reading and more helpers keep several
 * reads in flight.
 */
export function walk(roots: readonly string[], opts: WalkOptions): Promise<void> {
  const platform = opts.platform ?? process.platform
  // The host's separator (the paths are the host's), whatever platform the scan models.
  const sep = pathSep
  const queue: string[] = []

  const fail = (dir: string, code: string | undefined): void => {
    if (code === 'ENAMETOOLONG' && opts.onTooLong) {
      opts.onTooLong(dir)
      return
    }
    const reason = skipReasonFor(code, platform)
    opts.onSkip({ path: dir, reason, code, message: describeSkip(reason, code) })
  }
  for (const root of roots) {
    // Batches travel NUL-separated, and no real path holds a NUL: such a root (only the library
    // API can pass one) is refused, so that it cannot shift a batch's listings onto other folders.
    if (root.includes('\0')) fail(root, 'ERR_INVALID_ARG_VALUE')
    else queue.push(root)
  }
  let curDir = ''
  let curPrefix = ''
  let curParent = ''
  const visitor: ListingVisitor = {
    dir(dir) {
      opts.onDir?.(dir)
      curDir = dir
      curParent = basename(dir)
      curPrefix = dir.endsWith(sep) ? dir : dir + sep
    },
    entry(name, type) {
      if (type === TYPE_DIR) {
        const p = curPrefix + name
        if (!opts.skipDir(p, name, curParent)) queue.push(p)
      } else if (type === TYPE_FILE) opts.onFile(curPrefix + name, name, curDir)
    },
    failed: fail,
  }
  const handle = (dir: string, entries: readonly Dirent[]): void => {
    visitor.dir(dir)
    for (const e of entries)
      visitor.entry(e.name, e.isFile() ? TYPE_FILE : e.isDirectory() ? TYPE_DIR : 0)
  }
  if (opts.readdir) return callbackWalk(queue, opts, handle, fail)

  /** Reads one directory on the calling thread with readdirSync; returns its entry count. */
  const readJs = (dir: string): number => {
    let es: Dirent[]
    try {
      es = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      fail(dir, (e as NodeJS.ErrnoException).code ?? 'EIO')
      return 0
    }
    handle(dir, es)
    return es.length
  }

  const readers: SideReader[] = []
  const wanted = opts.helpers ?? 1
  let readOnCaller = opts.readOnCaller !== false
  /** Set when a side reader was lost: the caller reads the rest itself (none is started again). */
  let readerLost = false
  let callerDirs = 0
  const walkStart = process.hrtime.bigint()
  let readingNs = 0
  let inflight = 0
  let waiting = false
  let done = false
  return new Promise<void>((resolvePromise) => {
    const finish = (): void => {
      if (done) return
      done = true
      for (const r of readers) r.close()
      resolvePromise()
    }
    const answered = (r: SideReader, listing: string): void => {
      const dirs = r.batch ?? []
      r.batch = undefined
      inflight--
      readListing(dirs, listing, visitor)
    }
    const resume = (): void => {
      if (waiting) {
        waiting = false
        pump()
      }
    }
    const events: SideReaderEvents = {
      answered: (r, listing) => {
        if (done) return
        answered(r, listing)
        resume()
      },
      lost: (r) => {
        // A reader that dies (a Worker out of memory or killed) gives its directories back: the caller reads them, and everything after, itself.
        const at = readers.indexOf(r)
        if (done || at < 0) return
        readers.splice(at, 1)
        r.close()
        if (r.batch) {
          queue.push(...r.batch)
          r.batch = undefined
          inflight--
        }
        readOnCaller = true
        readerLost = true
        resume()
      },
    }
    const spawn = (count: number): void => {
      while (readers.length < count) {
        const r = workerReader(opts.helperSource ?? HELPER_SOURCE, events)
        if (!r) return
        readers.push(r)
      }
    }
    const collect = (): void => {
      for (const r of readers) {
        if (!r.batch) continue
        const listing = r.poll()
        if (listing !== undefined) answered(r, listing)
      }
    }
    const feed = (): void => {
      const share = readers.length + (readOnCaller ? 1 : 0)
      for (const r of readers) {
        if (r.batch || queue.length === 0) continue
        // Keep a directory for the caller.
        if (readOnCaller && queue.length < 2) return
        const n = Math.max(1, Math.min(MAX_BATCH, Math.floor(queue.length / share)))
        r.batch = queue.splice(queue.length - n, n)
        inflight++
        try {
          r.send(r.batch.join('\0'))
        } catch {
          // The reader could not take the batch (out of memory): it is lost, the batch goes back.
          events.lost(r)
        }
      }
    }
    const paused = createDrainGate(opts, () => pump())
    const pump = (): void => {
      if (done) return
      if (opts.signal?.aborted) {
        queue.length = 0
        if (inflight === 0) finish()
        else waiting = true
        return
      }
      collect()
      if (paused()) return
      if (readers.length === 0 && !readerLost && !readOnCaller) spawn(Math.max(1, wanted))
      // Side readers only (readOnCaller: false) with none left: the caller reads after all.
      if (!readOnCaller && readers.length === 0) readOnCaller = true
      feed()
      if (readOnCaller && queue.length > 0) {
        const t0 = process.hrtime.bigint()
        let n = 0
        let ns = 0
        let entries = 0
        while (queue.length > 0) {
          n++
          entries += readJs(queue.pop()!)
          if ((n & 7) === 0) {
            collect()
            feed()
            ns = Number(process.hrtime.bigint() - t0)
            if (ns > SLICE_NS || opts.shouldPause?.()) break
          }
        }
        ns = Number(process.hrtime.bigint() - t0)
        callerDirs += n
        readingNs += ns
        // Per folder, with every 20 entries counted as one more: handling the entries of a big
        // warm folder must not look like a slow disk.
        if (n >= 16 && ns / (n + entries / 20) > COLD_NS_PER_DIR && wanted > 0 && !readerLost) {
          // A cold disk: synchronous reads would block the caller (and the analysis jobs on its
          // event loop); side readers keep several reads in flight instead.
          readOnCaller = false
          spawn(Math.max(COLD_READERS, wanted))
        } else if (
          wanted > 0 &&
          !readerLost &&
          readers.length === 0 &&
          queue.length > 0 &&
          (opts.helpers !== undefined ||
            (callerDirs >= SPAWN_AFTER_DIRS &&
              readingNs >= SPAWN_MIN_READING_SHARE * Number(process.hrtime.bigint() - walkStart)))
        ) {
          spawn(wanted)
        }
        feed()
        setImmediate(pump)
        return
      }
      if (inflight === 0 && queue.length === 0) {
        finish()
        return
      }
      // Nothing to read here: the next side reader's answer resumes the walk.
      waiting = true
    }
    pump()
  })
}
