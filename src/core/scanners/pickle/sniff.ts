/**
 * Pickle content test shared by the crawl and the pickle scanner. Protocol 2-5 streams start
 * with PROTO (0x80 + version); protocol 0/1 streams have no header, so we check that the first
 * opcodes form a plausible pickle (CVE-2025-10155: a protocol 0/1 pickle named .bin/.pt must
 * not be mistaken for something else).
 */
const PROTO0_FIRST = new Set([
  0x28, 0x63, 0x7d, 0x5d, 0x29, 0x49, 0x4c, 0x46, 0x53, 0x56, 0x4e, 0x69, 0x4b, 0x4a, 0x4d, 0x55,
  0x58, 0x54, 0x47, 0x88, 0x89,
])

export function looksLikePickle(head: Uint8Array): boolean {
  if (head.length < 2) return false
  // PROTO 0-5 (0/1 are legal if unusual; picklescan treats \x80\x00-\x05 as pickle magic).
  if (head[0] === 0x80 && head[1] !== undefined && head[1] <= 5) return true
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
  if (b0 === 0x49 || b0 === 0x4c || b0 === 0x46) return lineThen(head, 1, /^[-+0-9.eE]+L?$/)
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

function lineThen(head: Uint8Array, start: number, re: RegExp): boolean {
  let end = start
  while (end < head.length && head[end] !== 0x0a && end - start < 64) end++
  if (end >= head.length || head[end] !== 0x0a) return false
  return re.test(Buffer.from(head.subarray(start, end)).toString('latin1'))
}

function tailHasStop(head: Uint8Array): boolean {
  // Short protocol-0 pickles end with `.`; long ones have it later than the head. Require that
  // the head holds no NUL byte in its text part and contains a memo put `p0\n`.
  const s = Buffer.from(head.subarray(0, Math.min(head.length, 512))).toString('latin1')
  return /\np\d+\n/.test(s) || /\.$/.test(s)
}
