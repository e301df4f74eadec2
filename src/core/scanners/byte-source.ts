import type { Stats } from 'node:fs'
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { traceOpen } from '../util/open-trace'

/**
 * Random-access, bounded, synchronous view of bytes (a file on disk or a member in memory).
 * Parsers ask for exactly the range they need; nothing reads a whole file unless it asks to.
 */
export type ByteSource = Readonly<{
  size: number
  /** Reads up to `length` bytes at `offset`; returns fewer at end of data. Never throws for ranges past the end. */
  read(offset: number, length: number): Uint8Array
  /** Human-readable name (path or member) for messages. */
  name: string
}>

export function bufferSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    size: bytes.length,
    name,
    read(offset, length) {
      if (offset >= bytes.length || length <= 0 || offset < 0) return new Uint8Array(0)
      return bytes.subarray(offset, Math.min(bytes.length, offset + length))
    },
  }
}

/** What a path that is not a regular file is, in words for a report. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  if (st.isDirectory()) return 'a directory'
  return 'not a regular file'
}

/** Raised for anything but a regular file: pipes, devices (`/dev/zero`), sockets, folders. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG'
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}; only regular files are read`)
  }
}

/**
 * Opening never blocks (a FIFO with no writer would block a plain open forever); the open file
 * is checked with fstat, so a symlink to `/dev/zero` is judged by what it points to.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * Opens a regular file as a ByteSource; anything else throws NotRegularFileError before a byte
 * is read. The caller must call `close()`.
 */
export function openFileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, OPEN_FLAGS)
  traceOpen(path)
  let size: number
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new NotRegularFileError(path, fileKind(st))
    size = st.size
  } catch (e) {
    closeSync(fd)
    throw e
  }
  let closed = false
  return {
    size,
    name: path,
    read(offset, length) {
      if (offset >= size || length <= 0 || offset < 0) return new Uint8Array(0)
      const n = Math.min(length, size - offset)
      const buf = Buffer.allocUnsafe(n)
      let got = 0
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got)
        if (r === 0) break
        got += r
      }
      return got === n ? buf : buf.subarray(0, got)
    },
    close() {
      if (!closed) {
        closed = true
        closeSync(fd)
      }
    },
  }
}

/** A window [start, start+length) of another source, e.g. a stored zip member. */
export function sliceSource(
  src: ByteSource,
  start: number,
  length: number,
  name: string,
): ByteSource {
  const size = Math.max(0, Math.min(length, src.size - start))
  return {
    size,
    name,
    read(offset, len) {
      if (offset >= size || len <= 0 || offset < 0) return new Uint8Array(0)
      return src.read(start + offset, Math.min(len, size - offset))
    },
  }
}
