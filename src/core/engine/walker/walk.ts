import type { Dirent } from 'node:fs'
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename, sep as pathSep } from 'node:path'
import { callbackWalk } from './callback-walk'
import { createDrainGate } from './drain'
import { HELPER_SOURCE, SUBTREE_MARK } from './helper'
import type { SideReader, SideReaderEvents } from './readers'
import { workerReader } from './readers'
import type { ListingVisitor } from './readout'
import { readListing, readSubtreeAnswer, TYPE_DIR, TYPE_FILE } from './readout'
import { readingSubtrees } from './subtree'
import { describeSkip, skipReasonFor, UNREADABLE_NAME_CODE, unreadableName } from './skips'
import type { WalkOptions } from './types'

/** Mean read time per directory above which the disk is cold and only side readers read. */
const COLD_NS_PER_DIR = 150_000
/** Reads of a slice timed one by one to judge the disk (the rest of the slice is not timed). */
const READ_SAMPLES = 15
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
/**
 * Batches queued on a side reader: with a second one waiting, the reader starts it the moment it
 * answers the first, instead of idling until the caller (busy with analysis jobs between its
 * slices) picks the answer up and feeds it again.
 */
const PIPELINE = 2
/** Folders a subtree reader walks before it answers (and gives back the ones it has not reached). */
const SUBTREE_MAX_DIRS = 1024
/** Most folders a subtree reader is started from at once. */
const SUBTREE_ROOTS = 8
/** Side readers while reads are slow: several reads in flight keep a cold disk busy. */
const COLD_READERS = 4
/**
 * Entries of a folder the caller hands to onFile/skipDir between two back-pressure checks. Every
 * file may queue analysis jobs, so a folder of a million files handed out at once would queue
 * them all whatever the gate says (memory by folder size, not by the gate).
 */
const ENTRY_SLICE = 256
/**
 * Entries one side reader answer carries at most, and the folder size above which a side reader
 * hands the folder back for the caller to read in slices (helper.ts): an answer is handed to the
 * callbacks whole, between two back-pressure checks.
 */
const ANSWER_ENTRIES = 4096

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 *
 * The kernel's work in the directory reads is most of a walk's cost, so one thread cannot go
 * much faster whatever the JavaScript does: the calling thread reads synchronously with
 * readdirSync in short slices (the cheapest per directory) and, for a tree bigger than a few
 * hundred folders, helper Workers read beside it; the caller collects their answers between its
 * own reads (README, "The crawl", for the figures and the alternatives tried). Given the skip
 * rules as data (`subtree`), the helpers (one per core, up to two) walk whole subtrees on their
 * own and the caller stops reading: it then handles only the files it wants and the counts,
 * instead of every entry of the tree. Otherwise one helper reads batches of folders one level
 * deep. When reads turn slow (a cold disk) the caller stops reading and more helpers keep
 * several reads in flight.
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
  /** Folders a side reader handed back as too big: the caller reads them, in slices. */
  const own: string[] = []
  const enter = (dir: string): void => {
    curDir = dir
    curParent = basename(dir)
    curPrefix = dir.endsWith(sep) ? dir : dir + sep
  }
  const visitor: ListingVisitor = {
    dir(dir) {
      opts.onDir?.(dir)
      enter(dir)
    },
    entry(name, type) {
      // A name that is not valid UTF-8 cannot be opened by the path built from it: skipped with
      // its own reason instead of failing later as "vanished" (helper.ts does the same).
      if ((type === TYPE_DIR || type === TYPE_FILE) && unreadableName(curPrefix + name, name)) {
        fail(curPrefix + name, UNREADABLE_NAME_CODE)
        return
      }
      if (type === TYPE_DIR) {
        const p = curPrefix + name
        if (!opts.skipDir(p, name, curParent)) queue.push(p)
      } else if (type === TYPE_FILE) opts.onFile(curPrefix + name, name, curDir)
    },
    failed: fail,
    back: (dir, mine) => (mine ? own : queue).push(dir),
  }
  const handle = (dir: string, entries: readonly Dirent[]): void => {
    visitor.dir(dir)
    for (const e of entries)
      visitor.entry(e.name, e.isFile() ? TYPE_FILE : e.isDirectory() ? TYPE_DIR : 0)
  }
  if (opts.readdir) return callbackWalk(queue, opts, handle, fail)

  /**
   * The folder the caller is handing out, when back-pressure stopped it part way. Its listing is
   * held (names only) until the consumer drains; what its entries queue is bounded by the gate.
   */
  let partial: { dir: string; entries: Dirent[]; at: number } | undefined
  /** The back-pressure gate (createDrainGate), set once the walk starts. */
  let gate: () => boolean = () => false
  /** Hands out the rest of `partial` in slices; false when back-pressure stopped it again. */
  const handOut = (): boolean => {
    const p = partial
    if (!p) return true
    enter(p.dir)
    const es = p.entries
    while (p.at < es.length) {
      if (gate()) return false
      const end = Math.min(es.length, p.at + ENTRY_SLICE)
      for (; p.at < end; p.at++) {
        const e = es[p.at]!
        visitor.entry(e.name, e.isFile() ? TYPE_FILE : e.isDirectory() ? TYPE_DIR : 0)
      }
    }
    partial = undefined
    return true
  }

  /** Reads one directory on the calling thread with readdirSync; returns its entry count. */
  const readJs = (dir: string): number => {
    let es: Dirent[]
    try {
      es = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      fail(dir, (e as NodeJS.ErrnoException).code ?? 'EIO')
      return 0
    }
    visitor.dir(dir)
    partial = { dir, entries: es, at: 0 }
    handOut()
    return es.length
  }

  const subtree = opts.subtree
  const subtreeReading = subtree
    ? readingSubtrees(subtree, opts.onFile, sep, SUBTREE_MAX_DIRS, {
        pending: (dir) => queue.push(dir),
        own: (dir) => own.push(dir),
        failed: fail,
      })
    : undefined

  const readers: SideReader[] = []
  // Subtree readers take all the reading off the caller: one per core (the caller's own work is
  // then only the analyses of the files they find).
  const wanted = opts.helpers ?? (subtree ? Math.min(2, availableParallelism()) : 1)
  let readOnCaller = opts.readOnCaller !== false
  /** Set when a side reader was lost: the caller reads the rest itself (none is started again). */
  let readerLost = false
  let callerDirs = 0
  const walkStart = process.hrtime.bigint()
  let readingNs = 0
  const readCost = new Float64Array(READ_SAMPLES)
  let inflight = 0
  /** Answers that arrived while back-pressure held the walk, oldest first: handled on resume. */
  const deferred: [SideReader, string][] = []
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
      const dirs = r.batches.shift() ?? []
      inflight--
      if (!subtree) {
        readListing(dirs, listing, visitor)
        return
      }
      try {
        readSubtreeAnswer(listing, subtreeReading!.visitor)
        // A subtree reader is up (a Worker takes tens of milliseconds to start, during which the
        // caller goes on reading): from now on the caller only handles the answers, unless a
        // reader is lost.
        if (!readerLost) readOnCaller = false
      } catch {
        // Not an answer the helper writes (it is refused before anything is visited): the
        // folders go back to the queue and the reader is not used again.
        queue.push(...dirs)
        events.lost(r)
      }
    }
    const resume = (): void => {
      if (waiting) {
        waiting = false
        pump()
      }
    }
    const events: SideReaderEvents = {
      answered: (r, listing) => {
        // A reader given up on (its batches already back in the queue) may still have answers on
        // the way: they are dropped, or its folders would be counted twice.
        if (done || !readers.includes(r)) return
        // While the consumer drains, an answer waits (at most PIPELINE per reader: none is sent
        // meanwhile), so what its files queue is bounded by the gate too.
        if (deferred.length > 0 || partial || gate()) deferred.push([r, listing])
        else answered(r, listing)
        resume()
      },
      lost: (r) => {
        // A reader that dies (a Worker out of memory or killed) gives its directories back: the caller reads them, and everything after, itself.
        const at = readers.indexOf(r)
        if (done || at < 0) return
        readers.splice(at, 1)
        r.close()
        for (const b of r.batches.splice(0)) {
          queue.push(...b)
          inflight--
        }
        readOnCaller = true
        readerLost = true
        resume()
      },
    }
    const spawn = (count: number): void => {
      while (readers.length < count) {
        const r = workerReader(opts.helperSource ?? HELPER_SOURCE, events, {
          ...subtreeReading?.data,
          maxOut: ANSWER_ENTRIES,
          big: ANSWER_ENTRIES,
        })
        if (!r) return
        readers.push(r)
      }
    }
    /** Handles the answers in; false when back-pressure stopped it (the gate resumes the pump). */
    const collect = (): boolean => {
      if (!handOut()) return false
      while (deferred.length > 0) {
        if (gate()) return false
        const [r, listing] = deferred.shift()!
        // A reader lost since gave its batches back already.
        if (readers.includes(r)) answered(r, listing)
      }
      for (const r of readers) {
        while (r.batches.length > 0) {
          if (gate()) return false
          const listing = r.poll()
          if (listing === undefined) break
          answered(r, listing)
        }
      }
      return true
    }
    const feed = (): void => {
      const share = readers.length + (readOnCaller ? 1 : 0)
      for (const r of [...readers]) {
        while (r.batches.length < PIPELINE && queue.length > 0) {
          // Keep a directory for the caller.
          if (readOnCaller && queue.length < 2) return
          const n = subtree
            ? Math.min(SUBTREE_ROOTS, Math.ceil(queue.length / readers.length))
            : Math.max(1, Math.min(MAX_BATCH, Math.floor(queue.length / share)))
          const batch = queue.splice(queue.length - n, n)
          r.batches.push(batch)
          inflight++
          try {
            r.send(subtree ? SUBTREE_MARK + batch.join('\0') : batch.join('\0'))
          } catch {
            // The reader could not take the batch (out of memory): it is lost, its batches go back.
            events.lost(r)
            break
          }
        }
      }
    }
    const paused = createDrainGate(opts, () => pump())
    gate = paused
    const pump = (): void => {
      if (done) return
      if (opts.signal?.aborted) {
        queue.length = 0
        own.length = 0
        partial = undefined
        for (const [r] of deferred.splice(0)) {
          if (!readers.includes(r)) continue
          r.batches.shift()
          inflight--
        }
        if (inflight === 0) finish()
        else waiting = true
        return
      }
      if (!collect()) return
      if (paused()) return
      if (readers.length === 0 && !readerLost && !readOnCaller) spawn(Math.max(1, wanted))
      // Helpers asked for by number start before the caller's first read.
      if (readers.length === 0 && !readerLost && opts.helpers !== undefined && wanted > 0) {
        spawn(wanted)
      }
      // Side readers only (readOnCaller: false) with none left: the caller reads after all.
      if (!readOnCaller && readers.length === 0) readOnCaller = true
      feed()
      if (own.length > 0 || (readOnCaller && queue.length > 0)) {
        const t0 = process.hrtime.bigint()
        let n = 0
        let ns = 0
        let timed = 0
        // Folders handed back as too big first: only the caller reads them.
        const nextDir = (): string | undefined =>
          own.pop() ?? (readOnCaller ? queue.pop() : undefined)
        for (let dir = nextDir(); dir !== undefined; dir = nextDir()) {
          n++
          if (timed < READ_SAMPLES) {
            const r0 = process.hrtime.bigint()
            const count = readJs(dir)
            // Per folder, with every 20 entries counted as one more: handling the entries of a
            // big warm folder must not look like a slow disk.
            readCost[timed++] = Number(process.hrtime.bigint() - r0) / (1 + count / 20)
          } else readJs(dir)
          // Back-pressure stopped the folder part way: the gate resumes the pump.
          if (partial) break
          if ((n & 7) === 0) {
            if (!collect()) break
            feed()
            ns = Number(process.hrtime.bigint() - t0)
            if (ns > SLICE_NS || opts.shouldPause?.()) break
          }
        }
        ns = Number(process.hrtime.bigint() - t0)
        callerDirs += n
        readingNs += ns
        // The median read of the slice, not its total: at a scan's start the workers and probes
        // compiling beside the walk take the CPU for a few milliseconds, which lands on one or two
        // warm reads and would make the whole slice look as slow as a cold disk, where most
        // reads wait.
        if (
          timed >= READ_SAMPLES &&
          medianOf(readCost) > COLD_NS_PER_DIR &&
          wanted > 0 &&
          !readerLost
        ) {
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
        // Stopped by back-pressure: the gate's drain resumes the pump (not the event loop now).
        if (partial || deferred.length > 0) {
          if (!gate()) setImmediate(pump)
          return
        }
        setImmediate(pump)
        return
      }
      if (inflight === 0 && queue.length === 0 && own.length === 0 && !partial) {
        finish()
        return
      }
      // Nothing to read here: the next side reader's answer resumes the walk.
      waiting = true
    }
    pump()
  })
}

function medianOf(a: Float64Array): number {
  return Float64Array.from(a).sort()[a.length >> 1]!
}
