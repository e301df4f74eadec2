import type { ByteSource } from '../byte-source'
import type { CancelSignal } from '../types'
import { throwIfCancelled } from '../types'
import type { FindingSink } from './findings'
import { judgeImport } from './gadgets'
import { A, INT_WIDTH, OPS } from './opcodes'
import { decodeEscapeBytes, decodeRawUnicodeEscape } from './py-text'

const WINDOW = 1 << 20
/** Longest string operand decoded for a STACK_GLOBAL (module and attribute names are short). */
const MAX_NAME = 256

export type LinearResult = Readonly<{
  /** Offset where the pass ended (the end of the stream, or an opcode it could not read). */
  end: number
  /** Calls (REDUCE, OBJ, INST, NEWOBJ) seen: with a denied import they are the payload. */
  calls: number
  stoppedAt?: string
}>

/**
 * A linear pass from `start` to the end of the stream, run once a resource limit stopped the
 * symbolic machine: no stack and no memo, only what each opcode names. GLOBAL and INST operands
 * are judged like the machine's imports; STACK_GLOBAL takes the two strings pushed just before
 * it (anything else is an unresolved import). Payloads are skipped unread, so the pass costs one
 * read per window of opcodes.
 */
export function linearPass(
  src: ByteSource,
  start: number,
  sink: FindingSink,
  signal?: CancelSignal,
): LinearResult {
  const size = src.size
  let base = start
  let win = src.read(start, WINDOW)
  const bytes = (at: number, n: number): Uint8Array => {
    if (at < base || at + n > base + win.length) {
      base = at
      win = src.read(at, Math.max(WINDOW, n))
    }
    return win.subarray(at - base, at - base + n)
  }
  const line = (at: number): string | undefined => {
    const b = bytes(at, Math.min(4097, size - at))
    const end = b.indexOf(0x0a)
    return end < 0 ? undefined : Buffer.from(b.subarray(0, end)).toString('latin1')
  }
  /** The last two values pushed, when they were strings (for STACK_GLOBAL). */
  let prev: string | undefined
  let last: string | undefined
  let calls = 0
  let pos = start
  let n = 0
  while (pos < size) {
    if ((++n & 0xfffff) === 0) throwIfCancelled(signal)
    const at = pos
    const code = bytes(pos, 1)[0]!
    const op = OPS.get(code)
    if (!op) return { end: pos, calls, stoppedAt: `unknown opcode 0x${code.toString(16)}` }
    pos++
    const [arg, , pushes] = op
    let text: string | undefined
    switch (arg) {
      case A.None:
        break
      case A.Line: {
        const l = line(pos)
        if (l === undefined) return { end: at, calls, stoppedAt: 'unterminated line' }
        pos += l.length + 1
        // Decoded as the unpickler does: STRING is quoted escape_decode, UNICODE raw-unicode-escape.
        if (code === 0x53) text = decodeEscapeBytes(l.replace(/^(['"])(.*)\1$/, '$2')).text
        if (code === 0x56) text = decodeRawUnicodeEscape(l).text
        break
      }
      case A.Two: {
        const mod = line(pos)
        const name = mod === undefined ? undefined : line(pos + mod.length + 1)
        if (mod === undefined || name === undefined)
          return { end: at, calls, stoppedAt: 'unterminated import' }
        pos += mod.length + name.length + 2
        judgeImport(sink, mod, name, at)
        if (code === 0x69) calls++
        break
      }
      case A.Int1:
      case A.Int2:
      case A.Int4:
      case A.Int8:
        pos += INT_WIDTH[arg]
        break
      case A.Len1:
      case A.Len4:
      case A.Len8: {
        const w = arg === A.Len1 ? 1 : arg === A.Len4 ? 4 : 8
        if (pos + w > size) return { end: at, calls, stoppedAt: 'truncated length' }
        const h = bytes(pos, w)
        let len = h[0]!
        if (w > 1) len = (h[0]! | (h[1]! << 8) | (h[2]! << 16)) + h[3]! * 0x1000000
        if (w === 8) len += (h[4]! + h[5]! * 256 + h[6]! * 65536 + h[7]! * 16777216) * 0x1_0000_0000
        pos += w
        // Strings (not bytes) short enough to be names are kept for a following STACK_GLOBAL.
        const isText =
          code === 0x8c || code === 0x58 || code === 0x8d || code === 0x55 || code === 0x54
        if (isText && len <= MAX_NAME && pos + len <= size)
          text = Buffer.from(bytes(pos, len)).toString(
            code === 0x55 || code === 0x54 ? 'latin1' : 'utf8',
          )
        pos += len
        break
      }
    }
    if (code === 0x93) {
      // STACK_GLOBAL
      if (prev !== undefined && last !== undefined) judgeImport(sink, prev, last, at)
      else
        sink.add(
          'pickle.unresolved-import',
          'STACK_GLOBAL after the resource limit takes operands that are not plain strings',
          at,
        )
    }
    if (code === 0x52 || code === 0x6f || code === 0x81 || code === 0x92) calls++
    // Memo stores keep the stack as it is; every other push replaces the last value.
    if (code === 0x94 || code === 0x71 || code === 0x72 || code === 0x70 || code === 0x28) continue
    if (pushes > 0 || code === 0x30) {
      prev = last
      last = text
    }
  }
  return { end: pos, calls }
}
