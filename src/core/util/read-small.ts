import type { Stats } from 'node:fs'
import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs'
import { traceOpen } from './open-trace'

/**
 * Candidate files (configs, dotenv files, notebooks, git metadata) are small and almost always in
 * the page cache, where each FileHandle promise costs far more on the scan thread than its system
 * call: reads up to this size are one synchronous read. Larger reads go through the thread pool
 * in one call each (fs.read on the descriptor, no FileHandle), so a big file never holds the
 * scan thread for long.
 */
export const SYNC_READ_MAX = 1024 * 1024

/** Non-blocking open: a FIFO or device in place of a file must not hang the read. */
export const READ_FLAGS =
  process.platform === 'win32' ? 'r' : constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/** Opens a file for reading (see READ_FLAGS). Throws fs errors; the caller closes the descriptor. */
export function openForRead(path: string): number {
  const fd = openSync(path, READ_FLAGS)
  traceOpen(path)
  return fd
}

/** One open and one fstat of the open descriptor: what the read is about, with no stat race. */
export function openAndStat(path: string): { fd: number; st: Stats } {
  const fd = openForRead(path)
  try {
    return { fd, st: fstatSync(fd) }
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/** Reads up to `length` bytes at `position` with one thread-pool call (no FileHandle). */
export function readAsync(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)))
  })
}

/**
 * Reads the first `n` bytes of an open file (fewer at its end): synchronously when `n` is at most
 * SYNC_READ_MAX, else in thread-pool reads. Never more than `n`, even if the file grew.
 */
export async function readUpTo(fd: number, n: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(n)
  let got = 0
  if (n <= SYNC_READ_MAX) {
    while (got < n) {
      const r = readSync(fd, buf, got, n - got, got)
      if (r === 0) break
      got += r
    }
  } else {
    while (got < n) {
      const r = await readAsync(fd, buf, got, n - got, got)
      if (r === 0) break
      got += r
    }
  }
  return got === n ? buf : buf.subarray(0, got)
}

/** Closes a descriptor, ignoring errors (the read's own outcome is the one to report). */
export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return
  try {
    closeSync(fd)
  } catch {
    // Nothing to do: the descriptor is gone either way.
  }
}
