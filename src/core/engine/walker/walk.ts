import type { Dirent } from 'node:fs'
import { readdirSync } from 'node:fs'
import { basename, sep as pathSep } from 'node:path'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { callbackWalk } from './callback-walk'
import type { Helper, HelperBatch } from './helper'
import { HELPER_SOURCE, T_DIR, T_FILE, T_OTHER } from './helper'
import { describeSkip, skipReasonFor } from './skips'
import type { WalkOptions } from './types'

/** Mean readdirSync time per directory above which the disk is cold and only helpers read. */
const COLD_NS_PER_DIR = 150_000
/** The caller yields to the event loop (analysis jobs, helper answers) after this long. */
const SLICE_NS = 2_000_000
/** A small tree never pays for a thread: the helper starts once the caller has read this many. */
const SPAWN_AFTER_DIRS = 256
/**
 * ... and only while reading is most of what the caller does: when analysis jobs (notebooks, keys,
 * model scans) fill its event loop, the scan is not waiting on the walk, and a helper would only
 * add its memory (about 25 MiB of peak RSS on the 300k-file home).
 */
const SPAWN_MIN_READING_SHARE = 0.6
/** Most directories handed to a helper at once. */
const MAX_BATCH = 128
/** Helpers while reads are slow (several reads in flight keep a cold disk busy). */
const COLD_HELPERS = 4

/**
 * Concurrent directory walk. Directory symlinks are never followed (so no loops), every error is
 * recorded as a skipped entry and the walk goes on, and results are streamed to the callbacks
 * instead of being collected.
 *
 * Measured on the project's 2-core VMs (bench "crawl + classify"): the kernel's work in the
 * directory reads is most of the cost, so a walk on one thread takes about twice fd's wall time
 * whatever the JavaScript does. The calling thread reads synchronously in short slices (the
 * cheapest per directory) and, once a tree proves bigger than a few hundred folders and reading
 * is most of what the caller does, one helper thread reads batches beside it; the caller collects
 * its answers between its own reads. Alternatives measured and dropped:
 * fs.readdir on libuv's pool (four pool threads on two cores: more CPU, caller left idle) and
 * async reads alone (about twice the CPU). When reads turn slow (a cold disk) the caller stops
 * reading and more helpers keep several reads in flight.
 */
export function walk(roots: readonly string[], opts: WalkOptions): Promise<void> {
  const platform = opts.platform ?? process.platform
  // The host's separator (the paths are the host's), whatever platform the scan models.
  const sep = pathSep
  const queue: string[] = [...roots]

  const fail = (dir: string, code: string | undefined): void => {
    if (code === 'ENAMETOOLONG' && opts.onTooLong) {
      opts.onTooLong(dir)
      return
    }
    const reason = skipReasonFor(code, platform)
    opts.onSkip({ path: dir, reason, code, message: describeSkip(reason, code) })
  }
  const entry = (
    prefix: string,
    dir: string,
    parentName: string,
    name: string,
    t: number,
  ): void => {
    if (t === T_DIR) {
      const p = prefix + name
      if (!opts.skipDir(p, name, parentName)) queue.push(p)
    } else if (t === T_FILE) opts.onFile(prefix + name, name, dir)
  }
  const handle = (dir: string, entries: readonly Dirent[]): void => {
    opts.onDir?.(dir)
    const parentName = basename(dir)
    const prefix = dir.endsWith(sep) ? dir : dir + sep
    for (const e of entries)
      entry(
        prefix,
        dir,
        parentName,
        e.name,
        e.isFile() ? T_FILE : e.isDirectory() ? T_DIR : T_OTHER,
      )
  }
  const handleBatch = (dirs: readonly string[], b: HelperBatch): void => {
    const all = b.names.length ? b.names.split('\0') : []
    const codes = new Map<number, string>()
    for (let i = 0; i < b.codes.length; i += 2) codes.set(b.codes[i] as number, `${b.codes[i + 1]}`)
    let at = 0
    for (let d = 0; d < dirs.length; d++) {
      const n = b.counts[d]!
      const dir = dirs[d]!
      if (n < 0) {
        fail(dir, codes.get(d) ?? 'EIO')
        continue
      }
      opts.onDir?.(dir)
      const parentName = basename(dir)
      const prefix = dir.endsWith(sep) ? dir : dir + sep
      for (let i = at; i < at + n; i++) entry(prefix, dir, parentName, all[i]!, b.types[i]!)
      at += n
    }
  }
  if (opts.readdir) return callbackWalk(queue, opts, handle, fail)

  const helpers: Helper[] = []
  const wanted = opts.helpers ?? 1
  let readOnCaller = opts.readOnCaller !== false
  /** Set when a helper died: the caller reads the rest itself (no helper is started again). */
  let helperLost = false
  let callerDirs = 0
  const walkStart = process.hrtime.bigint()
  let readingNs = 0
  let inflight = 0
  let waiting = false
  let draining = false
  let done = false
  return new Promise<void>((resolvePromise) => {
    const finish = (): void => {
      if (done) return
      done = true
      for (const h of helpers) {
        h.port.close()
        void h.worker.terminate()
      }
      resolvePromise()
    }
    const answered = (h: Helper, batch: HelperBatch): void => {
      const dirs = h.batch ?? []
      h.batch = undefined
      inflight--
      handleBatch(dirs, batch)
    }
    const resume = (): void => {
      if (waiting) {
        waiting = false
        pump()
      }
    }
    const spawn = (count: number): void => {
      while (helpers.length < count) {
        const { port1, port2 } = new MessageChannel()
        let worker: Worker
        try {
          worker = new Worker(opts.helperSource ?? HELPER_SOURCE, {
            eval: true,
            workerData: { port: port2 },
            transferList: [port2],
            // A small heap keeps the scan's peak RSS down; a folder too big for it kills the
            // helper, which gives the folder back to the caller (below).
            resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
          })
        } catch {
          // No threads here (a locked-down runtime): the caller reads everything.
          port1.close()
          return
        }
        worker.unref()
        const h: Helper = { worker, port: port1, batch: undefined }
        // Answers not picked up synchronously arrive here (while the caller waits or yields).
        port1.on('message', (batch: HelperBatch) => {
          answered(h, batch)
          resume()
        })
        const lost = (): void => {
          // A helper that dies (out of memory, killed) gives its directories back: the caller
          // reads them, and everything after, itself.
          const at = helpers.indexOf(h)
          if (done || at < 0) return
          helpers.splice(at, 1)
          h.port.close()
          if (h.batch) {
            queue.push(...h.batch)
            h.batch = undefined
            inflight--
          }
          readOnCaller = true
          helperLost = true
          resume()
        }
        worker.on('error', lost)
        worker.on('exit', lost)
        helpers.push(h)
      }
    }
    const collect = (): void => {
      for (const h of helpers) {
        if (!h.batch) continue
        const m = receiveMessageOnPort(h.port)
        if (m) answered(h, m.message as HelperBatch)
      }
    }
    const feed = (): void => {
      const share = helpers.length + (readOnCaller ? 1 : 0)
      for (const h of helpers) {
        if (h.batch || queue.length === 0) continue
        // Keep a directory for the caller.
        if (readOnCaller && queue.length < 2) return
        const n = Math.max(1, Math.min(MAX_BATCH, Math.floor(queue.length / share)))
        h.batch = queue.splice(queue.length - n, n)
        // One string rather than an array of strings: cheaper to post.
        h.port.postMessage(h.batch.join('\0'))
        inflight++
      }
    }
    const pump = (): void => {
      if (done) return
      if (opts.signal?.aborted) {
        queue.length = 0
        if (inflight === 0) finish()
        else waiting = true
        return
      }
      collect()
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
      if (!readOnCaller && helpers.length === 0 && !helperLost) spawn(Math.max(1, wanted))
      // Helpers only (readOnCaller: false) with none left alive: the caller reads after all.
      if (!readOnCaller && helpers.length === 0) readOnCaller = true
      feed()
      if (readOnCaller && queue.length > 0) {
        const t0 = process.hrtime.bigint()
        let n = 0
        let ns = 0
        let entries = 0
        while (queue.length > 0) {
          const dir = queue.pop()!
          n++
          let es: Dirent[]
          try {
            es = readdirSync(dir, { withFileTypes: true })
          } catch (e) {
            fail(dir, (e as NodeJS.ErrnoException).code ?? 'EIO')
            continue
          }
          entries += es.length
          handle(dir, es)
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
        if (n >= 16 && ns / (n + entries / 20) > COLD_NS_PER_DIR && wanted > 0 && !helperLost) {
          // A cold disk: synchronous reads would block the caller (and the analysis jobs on its
          // event loop); helpers keep several reads in flight instead.
          readOnCaller = false
          spawn(Math.max(COLD_HELPERS, wanted))
        } else if (
          wanted > 0 &&
          !helperLost &&
          helpers.length === 0 &&
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
      // Nothing to read here: the next helper answer resumes the walk.
      waiting = true
    }
    pump()
  })
}
