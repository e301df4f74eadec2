import { StringDecoder } from 'node:string_decoder'
import type { SkipReason, SkippedEntry } from '../types'
import { fsSkipReason } from '../util/fs'
import { closeQuietly, openAndStat, readAsync, readUpTo } from '../util/read-small'

/** Whole-file read limit for text; larger text files are read in chunks. */
export const WHOLE_READ_LIMIT = 2 * 1024 * 1024
/** Hard cap: beyond this a candidate file is skipped with reason `too-large`. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024
const CHUNK = 1024 * 1024
/** A line longer than this is cut: key context never needs more. */
const MAX_CARRY = 64 * 1024

/**
 * The shared errno mapping, except that a candidate replaced by a directory is left out
 * (`excluded`) and one whose parent became a file has vanished for this pass.
 */
export function skipReasonOf(code: string | undefined): SkipReason {
  if (code === 'EISDIR') return 'excluded'
  if (code === 'ENOTDIR') return 'vanished'
  return fsSkipReason(code, { platform: process.platform })
}

export function skipped(path: string, err: unknown): SkippedEntry {
  const code = (err as { code?: unknown })?.code
  const c = typeof code === 'string' ? code : undefined
  const message = err instanceof Error ? err.message : String(err)
  return c
    ? { path, reason: skipReasonOf(c), code: c, message }
    : { path, reason: 'error', message }
}

export type TextChunk = Readonly<{ text: string; lineOffset: number }>

export type ReadOutcome =
  | Readonly<{ ok: true; mode: number; size: number; chunks: readonly TextChunk[] }>
  | Readonly<{ ok: false; skipped?: SkippedEntry }>

function looksBinary(buf: Buffer, n: number): boolean {
  return buf.subarray(0, Math.min(n, 8192)).includes(0)
}

/**
 * Opens a candidate file and returns its text, whole when small, otherwise as line-aligned chunks
 * (a key never straddles two chunks because chunks end at a newline). Errors become a skipped
 * entry; binary files (NUL in the first 8 KiB) return no text and no skip.
 */
export async function readText(path: string, wholeOnly: boolean): Promise<ReadOutcome> {
  // One open and one fstat of the descriptor (no stat before it: the crawl's directory entry
  // already said "regular file", and the fstat checks it again for what was opened), then one
  // synchronous read for a small file; no FileHandle promises (util/read-small.ts).
  let opened
  try {
    opened = openAndStat(path)
  } catch (err) {
    return { ok: false, skipped: skipped(path, err) }
  }
  const { fd, st } = opened
  try {
    if (!st.isFile()) {
      return { ok: false, skipped: { path, reason: 'excluded', message: 'not a regular file' } }
    }
    const limit = wholeOnly ? MAX_FILE_BYTES : WHOLE_READ_LIMIT
    if (st.size > MAX_FILE_BYTES) {
      return {
        ok: false,
        skipped: { path, reason: 'too-large', message: `${st.size} bytes > ${MAX_FILE_BYTES}` },
      }
    }
    if (st.size <= limit) {
      // The file may grow between fstat and read: read at most what the fstat reported.
      const buf = await readUpTo(fd, Math.min(limit, Math.max(st.size, 1)))
      if (looksBinary(buf, buf.length))
        return { ok: true, mode: st.mode, size: st.size, chunks: [] }
      return {
        ok: true,
        mode: st.mode,
        size: st.size,
        chunks: [{ text: buf.toString('utf8'), lineOffset: 0 }],
      }
    }
    // Large text file: bounded chunks, each ending at a newline.
    const chunks: TextChunk[] = []
    const decoder = new StringDecoder('utf8')
    const buf = Buffer.allocUnsafe(CHUNK)
    let carry = ''
    let lineOffset = 0
    let pos = 0
    for (;;) {
      const bytesRead = await readAsync(fd, buf, 0, CHUNK, pos)
      if (bytesRead === 0) break
      if (pos === 0 && looksBinary(buf, bytesRead)) {
        return { ok: true, mode: st.mode, size: st.size, chunks: [] }
      }
      pos += bytesRead
      const text = carry + decoder.write(buf.subarray(0, bytesRead))
      const nl = text.lastIndexOf('\n')
      if (nl < 0) {
        // One enormous line: keep only its tail, the line number stays right.
        carry = text.length > MAX_CARRY ? text.slice(-MAX_CARRY) : text
        continue
      }
      const head = text.slice(0, nl + 1)
      chunks.push({ text: head, lineOffset })
      for (let i = head.indexOf('\n'); i >= 0; i = head.indexOf('\n', i + 1)) lineOffset++
      carry = text.slice(nl + 1)
    }
    carry += decoder.end()
    if (carry.length > 0) chunks.push({ text: carry, lineOffset })
    return { ok: true, mode: st.mode, size: st.size, chunks }
  } catch (err) {
    return { ok: false, skipped: skipped(path, err) }
  } finally {
    closeQuietly(fd)
  }
}
