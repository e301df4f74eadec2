import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { traceOpen } from './open-trace'

/** 1 MiB stream chunks: per-chunk overhead dominates with small ones (README: SHA-256 row). */
const CHUNK = 1024 * 1024

/**
 * Files at least this large are hashed in a worker thread with synchronous 4 MiB reads into one
 * reused buffer: about openssl's speed (no stream or event-loop overhead) without blocking the
 * thread that walks and parses, and it runs beside it on another core.
 */
const WORKER_MIN_BYTES = 32 * 1024 * 1024

const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { openSync, readSync, closeSync } = require('node:fs')
const { createHash } = require('node:crypto')
const { path, progressEvery } = workerData
const h = createHash('sha256')
const buf = Buffer.allocUnsafe(4 * 1024 * 1024)
let fd
try {
  fd = openSync(path, 'r')
  let pos = 0
  let since = 0
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos)
    if (n === 0) break
    h.update(n === buf.length ? buf : buf.subarray(0, n))
    pos += n
    since += n
    if (since >= progressEvery) {
      parentPort.postMessage({ bytes: since })
      since = 0
    }
  }
  if (since) parentPort.postMessage({ bytes: since })
  parentPort.postMessage({ digest: h.digest('hex') })
} catch (e) {
  parentPort.postMessage({ error: (e && e.code) || String(e) })
} finally {
  if (fd !== undefined) closeSync(fd)
}
`

/**
 * One hashing worker at a time: each holds its own JS heap, and on the machines we target two
 * cores are already busy with the walk and the hash; more workers add memory, not speed.
 */
let workerBusy = false
const workerQueue: (() => void)[] = []
async function withHashWorker<T>(fn: () => Promise<T>): Promise<T> {
  if (workerBusy) await new Promise<void>((r) => workerQueue.push(r))
  workerBusy = true
  try {
    return await fn()
  } finally {
    const next = workerQueue.shift()
    if (next) next()
    else workerBusy = false
  }
}

/** SHA-256 of a file (native crypto, no WASM). `onBytes` reports progress; `signal` cancels. */
export function sha256File(
  path: string,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  let size = 0
  traceOpen(path)
  try {
    size = statSync(path).size
  } catch {
    // Let the stream report the error.
  }
  return size >= WORKER_MIN_BYTES
    ? withHashWorker(() => hashInWorker(path, onBytes, signal))
    : hashStream(path, onBytes, signal)
}

function hashStream(
  path: string,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    const s = createReadStream(path, { highWaterMark: CHUNK, signal })
    s.on('data', (chunk) => {
      h.update(chunk)
      onBytes?.(chunk.length)
    })
    s.on('error', reject)
    s.on('end', () => resolve(h.digest('hex')))
  })
}

function hashInWorker(
  path: string,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Worker(HASH_WORKER, {
      eval: true,
      // The worker only reads and hashes: a small heap keeps the scan's peak memory down.
      resourceLimits: {
        maxOldGenerationSizeMb: 16,
        maxYoungGenerationSizeMb: 4,
        codeRangeSizeMb: 4,
      },
      workerData: { path, progressEvery: 64 * 1024 * 1024 },
    })
    const onAbort = (): void => {
      void w.terminate()
      reject(Object.assign(new Error('hashing cancelled'), { name: 'AbortError' }))
    }
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort)
      void w.terminate()
    }
    w.on('message', (m: { bytes?: number; digest?: string; error?: string }) => {
      if (m.bytes) onBytes?.(m.bytes)
      else if (m.digest) {
        done()
        resolve(m.digest)
      } else if (m.error) {
        done()
        reject(Object.assign(new Error(`cannot hash ${path}: ${m.error}`), { code: m.error }))
      }
    })
    w.on('error', (e) => {
      done()
      reject(e)
    })
  })
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
