import type { ByteSource } from '../byte-source'
import { bufferSource } from '../byte-source'
import { A, INT_WIDTH, OPS } from './opcodes'
import { lineOk, longLineMayBeOk } from './sniff-lines'
/**
 * Pickle content test shared by the crawl, the registry and the containers. Protocol 2-5 streams
 * start with PROTO (0x80 + version); protocol 0/1 streams have no header and may open with any
 * harmless push and pop (`N0`, `K\x01 0`, `(1`, a string then `0`), so they are recognised by
 * walking their first opcodes with a stack model: a valid sequence that reaches a call or import
 * (GLOBAL, STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ), a STOP that leaves exactly one value, or a
 * long valid run is a pickle (CVE-2025-10155: a protocol 0/1 pickle named .bin/.pt must not be
 * mistaken for something else). Text and random bytes break the stack model within a few bytes.
 */
export function looksLikePickle(head: Uint8Array, src?: ByteSource): boolean {
  if (head.length < 2) return false
  // PROTO 0-5 (0/1 are legal if unusual; picklescan treats \x80\x00-\x05 as pickle magic).
  if (head[0] === 0x80 && head[1] !== undefined && head[1] <= 5) return true
  return classicShape(head) || walksAsPickle(src ?? bufferSource(head, 'head'))
}

const PROTO0_FIRST = new Set([
  0x28, 0x63, 0x7d, 0x5d, 0x29, 0x49, 0x4c, 0x46, 0x53, 0x56, 0x4e, 0x69, 0x4b, 0x4a, 0x4d, 0x55,
  0x58, 0x54, 0x47, 0x88, 0x89,
])

/** The common openings of small benign protocol 0/1 pickles (`(dp0`, `}q`, `I1\n.`, `N.`). */
function classicShape(head: Uint8Array): boolean {
  const b0 = head[0]!
  if (!PROTO0_FIRST.has(b0)) return false
  // `c<module>\n<name>\n`: GLOBAL with two printable lines.
  if (b0 === 0x63) return globalShape(head, 1)
  // `(` MARK then a known opcode, e.g. `(dp0\n`, `(lp0\n`, `(cos\n`, `(S'...`, `(I1\n`.
  if (b0 === 0x28) {
    const b1 = head[1]!
    if (b1 === 0x63) return globalShape(head, 2)
    if (b1 === 0x64 || b1 === 0x6c || b1 === 0x74)
      return (
        head.length > 2 &&
        (head[2] === 0x70 ||
          head[2] === 0x71 ||
          head[2] === 0x2e ||
          head[2] === 0x28 ||
          head[2] === 0x53 ||
          head[2] === 0x56 ||
          head[2] === 0x49)
      )
    if (
      b1 === 0x53 ||
      b1 === 0x56 ||
      b1 === 0x49 ||
      b1 === 0x4b ||
      b1 === 0x4a ||
      b1 === 0x58 ||
      b1 === 0x28 ||
      b1 === 0x7d ||
      b1 === 0x5d
    )
      return tailHasStop(head)
    return false
  }
  // Protocol 1 containers: `}q\x00`, `]q\x00`, `)` followed by a memo put or stop.
  if (b0 === 0x7d || b0 === 0x5d || b0 === 0x29) {
    const b1 = head[1]!
    return b1 === 0x71 || b1 === 0x72 || b1 === 0x94 || b1 === 0x2e || b1 === 0x28 || b1 === 0x70
  }
  // Scalars: `I1\n.`, `S'abc'\np0\n.`, `N.`, `K\x01.`, `X\x03\x00\x00\x00abc.`
  if (b0 === 0x4e) return head[1] === 0x2e
  if (b0 === 0x49 || b0 === 0x4c || b0 === 0x46) return lineThen(head, 1, (l) => lineOk(b0, l))
  if (b0 === 0x53) return head[1] === 0x27 || head[1] === 0x22
  return false
}

function globalShape(head: Uint8Array, start: number): boolean {
  let i = start
  let lines = 0
  let lineLen = 0
  while (i < head.length && lines < 2) {
    const c = head[i]!
    if (c === 0x0a) {
      if (lineLen === 0) return false
      lines++
      lineLen = 0
    } else if (isIdentChar(c)) {
      lineLen++
      if (lineLen > 256) return false
    } else return false
    i++
  }
  return lines === 2 || (lines === 1 && i === head.length)
}

function isIdentChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x2e
  )
}

function lineThen(head: Uint8Array, start: number, ok: (line: string) => boolean): boolean {
  let end = start
  while (end < head.length && head[end] !== 0x0a && end - start < 64) end++
  if (end >= head.length || head[end] !== 0x0a) return false
  return ok(Buffer.from(head.subarray(start, end)).toString('latin1'))
}

function tailHasStop(head: Uint8Array): boolean {
  // Short protocol-0 pickles end with `.`; long ones have it later than the head. Require that
  // the head holds no NUL byte in its text part and contains a memo put `p0\n`.
  const s = Buffer.from(head.subarray(0, Math.min(head.length, 512))).toString('latin1')
  return /\np\d+\n/.test(s) || /\.$/.test(s)
}

/** Opcodes walked before a run of valid opcodes counts as a pickle on its own. */
const LONG_RUN = 64
/** Opcodes walked at most; string and bytes payloads are skipped without being read. */
const MAX_WALK = 1 << 20
const WINDOW = 4096
/**
 * Longest protocol-0 line read whole. Unpicklers read lines of any length, so a longer one whose
 * start could still be a valid operand counts as a pickle (fail closed, see longLineMayBeOk).
 */
const MAX_LINE = 1 << 20

/** A line at `from`: its text, or where it ends unread (end of input, over MAX_LINE). */
type Line = { text: string } | { eof: true } | { long: string }

/**
 * Walks the first opcodes of a stream with a stack-depth model. True when the walk reaches a call
 * or an import, or LONG_RUN valid opcodes (a long container, or a long run of harmless pushes
 * and pops in front of a payload). A STOP alone proves little (`G` + 8 bytes + `.` is text).
 * Payloads of string and bytes opcodes are skipped unread, so a large harmless push before the
 * first import does not hide it.
 */
export function walksAsPickle(src: ByteSource): boolean {
  const size = src.size
  let base = 0
  let win = src.read(0, WINDOW)
  /** Byte at `at`, refilling the window; undefined past the end. */
  const byte = (at: number): number | undefined => {
    if (at >= size) return undefined
    if (at < base || at >= base + win.length) {
      base = at
      win = src.read(at, WINDOW)
    }
    return win[at - base]
  }
  const bytes = (at: number, n: number): Uint8Array => {
    if (at < base || at + n > base + win.length) {
      base = at
      win = src.read(at, Math.max(WINDOW, n))
    }
    return win.subarray(at - base, at - base + n)
  }
  let depth = 0
  const marks: number[] = []
  let pos = 0
  let count = 0
  const line = (from: number): Line => {
    const first = bytes(from, Math.min(WINDOW, size - from))
    let end = first.indexOf(0x0a)
    if (end >= 0) return { text: Buffer.from(first.subarray(0, end)).toString('latin1') }
    // Long lines are read in chunks outside the window, never more than MAX_LINE bytes.
    let n = first.length
    while (from + n < size && n < MAX_LINE) {
      const chunk = src.read(from + n, Math.min(WINDOW * 16, MAX_LINE - n, size - from - n))
      if (chunk.length === 0) break
      end = chunk.indexOf(0x0a)
      if (end >= 0) {
        const all = Buffer.concat([src.read(from, n), chunk.subarray(0, end)])
        return { text: all.toString('latin1') }
      }
      n += chunk.length
    }
    if (from + n >= size) return { eof: true }
    return { long: Buffer.from(src.read(from, n)).toString('latin1') }
  }
  while (pos < size && count < MAX_WALK) {
    const code = byte(pos)!
    const op = OPS.get(code)
    if (!op) return false
    pos++
    count++
    const [arg, pops, pushes, flags] = op
    switch (arg) {
      case A.None:
        break
      case A.Line: {
        const l = line(pos)
        if ('eof' in l) return count >= LONG_RUN
        if ('long' in l) return longLineMayBeOk(code, l.long)
        if (!lineOk(code, l.text)) return false
        pos += l.text.length + 1
        break
      }
      case A.Two: {
        const n1 = line(pos)
        if (!('text' in n1) || !IDENT.test(n1.text)) return false
        pos += n1.text.length + 1
        const n2 = line(pos)
        if (!('text' in n2) || !IDENT.test(n2.text)) return false
        pos += n2.text.length + 1
        break
      }
      case A.Int1:
      case A.Int2:
      case A.Int4:
      case A.Int8:
        pos += INT_WIDTH[arg]
        break
      case A.Len1:
        if (pos >= size) return count >= LONG_RUN
        pos += 1 + byte(pos)!
        break
      case A.Len4:
      case A.Len8: {
        if (pos + (arg === A.Len4 ? 4 : 8) > size) return count >= LONG_RUN
        const h = bytes(pos, arg === A.Len4 ? 4 : 8)
        const n = (h[0]! | (h[1]! << 8) | (h[2]! << 16)) + h[3]! * 0x1000000
        // An 8-byte length beyond 4 GiB is past any file this walk is given.
        if (arg === A.Len8 && h.subarray(4, 8).some((b) => b !== 0)) return false
        pos += (arg === A.Len4 ? 4 : 8) + n
        break
      }
    }
    if (code === 0x28) {
      marks.push(depth)
      continue
    }
    if (code === 0x2e) {
      // A finished pickle may be followed by another (stacked pickles): keep walking.
      if (depth !== 1 || marks.length > 0) return false
      depth = 0
      continue
    }
    if (code === 0x30) {
      if (depth > (marks.at(-1) ?? 0)) depth--
      else if (marks.length > 0 && depth === marks.at(-1)) marks.pop()
      else return false
      continue
    }
    if (flags & 1) {
      const m = marks.pop()
      if (m === undefined) return false
      // APPENDS, SETITEMS, ADDITEMS need their container below the MARK.
      if (pops > 0 && m < pops) return false
      depth = m - pops + (code === 0x31 ? 0 : pushes)
    } else {
      const floor = marks.at(-1) ?? 0
      if (depth - pops < floor) return false
      depth += pushes - pops
    }
    if (flags & 2) return true
  }
  return count >= LONG_RUN
}

/** Dotted Python identifiers (GLOBAL and INST operands). */
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/
