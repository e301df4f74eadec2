import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import type { SkipReason, SkippedEntry } from '../types'
import { fsSkipReason } from '../util/fs'

/** Whole-file read limit for text; larger text files are read in chunks. */
export const WHOLE_READ_LIMIT = 2 * 1024 * 1024
/** Hard cap: beyond this a candidate file is skipped with reason `too-large`. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024
const CHUNK = 1024 * 1024
/** Non-blocking open: a FIFO or device named like a config file must not hang the scan. */
const OPEN_FLAGS =
  process.platform === 'win32' ? 'r' : constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)
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
  let fh
  try {
    fh = await open(path, OPEN_FLAGS)
  } catch (err) {
    return { ok: false, skipped: skipped(path, err) }
  }
  try {
    const st = await fh.stat()
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
      // The file may grow between stat and read: read at most limit + 1 bytes.
      const buf = Buffer.allocUnsafe(Math.min(limit, Math.max(st.size, 1)))
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
      if (looksBinary(buf, bytesRead)) return { ok: true, mode: st.mode, size: st.size, chunks: [] }
      return {
        ok: true,
        mode: st.mode,
        size: st.size,
        chunks: [{ text: buf.toString('utf8', 0, bytesRead), lineOffset: 0 }],
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
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos)
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
    await fh.close().catch(() => undefined)
  }
}
