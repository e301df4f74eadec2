/**
 * Decoded text of a protocol-0 string operand. `error` is set where CPython's decoder raises (the
 * real load fails at that opcode); `text` is then a best-effort reading with the bad escape kept
 * as written, so the scan can go on and still see what follows.
 */
export type PyDecoded = Readonly<{ text: string; error?: string }>

function hexValue(c: string): number {
  const n = c.charCodeAt(0)
  if (n >= 0x30 && n <= 0x39) return n - 0x30
  if (n >= 0x61 && n <= 0x66) return n - 0x61 + 10
  if (n >= 0x41 && n <= 0x46) return n - 0x41 + 10
  return -1
}

/**
 * CPython's `raw-unicode-escape` decoder (`_PyUnicode_DecodeRawUnicodeEscape`), which the UNICODE
 * opcode (`V`) applies to its line. `s` holds the operand's bytes as latin-1 characters. Only
 * `\uXXXX` and `\UXXXXXXXX` are escapes; any other backslash pair is kept as both characters
 * (so `\\u0041` stays literal), and a lone trailing backslash is kept. A truncated or non-hex
 * escape, or a code point above U+10FFFF, is a UnicodeDecodeError in CPython.
 */
export function decodeRawUnicodeEscape(s: string): PyDecoded {
  if (!s.includes('\\')) return { text: s }
  let out = ''
  let error: string | undefined
  let i = 0
  while (i < s.length) {
    const c = s[i++]!
    if (c !== '\\' || i >= s.length) {
      out += c
      continue
    }
    const e = s[i++]!
    if (e !== 'u' && e !== 'U') {
      out += c + e
      continue
    }
    const count = e === 'u' ? 4 : 8
    let ch = 0
    let k = 0
    for (; k < count && i + k < s.length; k++) {
      const d = hexValue(s[i + k]!)
      if (d < 0) break
      ch = ch * 16 + d
    }
    if (k < count || ch > 0x10ffff) {
      error ??=
        k < count
          ? `a truncated or non-hex \\${e} escape at character ${i - 2}`
          : `\\U escape above U+10FFFF at character ${i - 2}`
      out += c + e
      continue
    }
    i += count
    // Lone surrogates (`\ud800`) are valid here, as in CPython.
    out += ch > 0xffff ? String.fromCodePoint(ch) : String.fromCharCode(ch)
  }
  return error === undefined ? { text: out } : { text: out, error }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  b: '\b',
  f: '\f',
  t: '\t',
  n: '\n',
  r: '\r',
  v: '\v',
  a: '\x07',
}

/**
 * CPython's `codecs.escape_decode` (`_PyBytes_DecodeEscape`), which the STRING opcode (`S`)
 * applies to its operand between the quotes. `s` and the result hold bytes as latin-1
 * characters. Octal escapes keep only their low 8 bits (`\563` is `s`: CPython stores the value
 * in a byte and at most warns), an unknown escape keeps its backslash, and a trailing backslash
 * or a `\x` without two hex digits is a ValueError in CPython.
 */
export function decodeEscapeBytes(s: string): PyDecoded {
  if (!s.includes('\\')) return { text: s }
  let out = ''
  let error: string | undefined
  let i = 0
  while (i < s.length) {
    const c = s[i++]!
    if (c !== '\\') {
      out += c
      continue
    }
    if (i >= s.length) {
      error ??= 'a trailing backslash'
      out += c
      continue
    }
    const e = s[i++]!
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) {
      out += simple
      continue
    }
    if (e >= '0' && e <= '7') {
      let v = e.charCodeAt(0) - 0x30
      for (let k = 0; k < 2 && i < s.length && s[i]! >= '0' && s[i]! <= '7'; k++) {
        v = v * 8 + s.charCodeAt(i++) - 0x30
      }
      out += String.fromCharCode(v & 0xff)
      continue
    }
    if (e === 'x') {
      const hi = i + 1 < s.length ? hexValue(s[i]!) : -1
      const lo = i + 1 < s.length ? hexValue(s[i + 1]!) : -1
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo)
        i += 2
        continue
      }
      error ??= `an invalid \\x escape at character ${i - 2}`
      out += c + e
      continue
    }
    // Unknown escape: CPython keeps the backslash and reads the next character normally.
    out += c
    i--
  }
  return error === undefined ? { text: out } : { text: out, error }
}
