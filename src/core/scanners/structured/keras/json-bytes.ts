import { FormatError } from '../util'

/**
 * Decodes JSON bytes exactly as CPython's `json.loads(bytes)` does (Keras reads `config.json`
 * with `json.loads(zf.open('config.json').read())`): the encoding comes from
 * `json.detect_encoding` (a UTF-32/UTF-16 BOM, a UTF-8 BOM, else the NUL pattern of the first
 * four bytes), and the bytes are decoded with `errors='surrogatepass'`, so lone surrogates pass
 * and anything else malformed is an error. A scanner that only reads UTF-8 would see a
 * UTF-16 config as noise while Keras loads it.
 */
export type JsonEncoding =
  | 'utf-8'
  | 'utf-8-sig'
  | 'utf-16'
  | 'utf-16-le'
  | 'utf-16-be'
  | 'utf-32'
  | 'utf-32-le'
  | 'utf-32-be'

/** `json.detect_encoding` (CPython Lib/json/__init__.py), byte for byte. */
export function detectJsonEncoding(b: Uint8Array): JsonEncoding {
  const at = (i: number): number => b[i] ?? -1
  const starts = (...p: number[]): boolean => p.every((x, i) => at(i) === x)
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00)) return 'utf-32'
  if (starts(0xfe, 0xff) || starts(0xff, 0xfe)) return 'utf-16'
  if (starts(0xef, 0xbb, 0xbf)) return 'utf-8-sig'
  if (b.length >= 4) {
    if (!b[0]) return b[1] ? 'utf-16-be' : 'utf-32-be'
    if (!b[1]) return b[2] || b[3] ? 'utf-16-le' : 'utf-32-le'
  } else if (b.length === 2) {
    if (!b[0]) return 'utf-16-be'
    if (!b[1]) return 'utf-16-le'
  }
  return 'utf-8'
}

/**
 * Collects code points into a string as UTF-16 units, a chunk at a time (a spread of the whole
 * config at once could exceed the call-argument limit).
 */
function codePoints(): { add(cp: number): void; done(): string } {
  const units: number[] = []
  let out = ''
  return {
    add(cp) {
      if (cp > 0xffff)
        units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff))
      else units.push(cp)
      if (units.length >= 8192) {
        out += String.fromCharCode(...units)
        units.length = 0
      }
    },
    done: () => out + String.fromCharCode(...units),
  }
}

/** UTF-8 with `surrogatepass`: strict, except that encoded surrogates (ED A0..BF xx) pass. */
function utf8(b: Uint8Array, from: number): string {
  const text = codePoints()
  const cont = (i: number): number => {
    const c = b[i]
    if (c === undefined || (c & 0xc0) !== 0x80) throw new FormatError('config is not valid UTF-8')
    return c & 0x3f
  }
  for (let i = from; i < b.length;) {
    const c = b[i]!
    let cp: number
    if (c < 0x80) {
      cp = c
      i += 1
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = ((c & 0x1f) << 6) | cont(i + 1)
      i += 2
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = ((c & 0x0f) << 12) | (cont(i + 1) << 6) | cont(i + 2)
      if (cp < 0x800) throw new FormatError('config has an overlong UTF-8 sequence')
      i += 3
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = ((c & 0x07) << 18) | (cont(i + 1) << 12) | (cont(i + 2) << 6) | cont(i + 3)
      if (cp < 0x10000 || cp > 0x10ffff) throw new FormatError('config has a bad UTF-8 sequence')
      i += 4
    } else throw new FormatError('config is not valid UTF-8')
    text.add(cp)
  }
  return text.done()
}

/** UTF-16/UTF-32 code units with `surrogatepass` (lone surrogates are kept, as Python does). */
function wide(b: Uint8Array, from: number, width: 2 | 4, le: boolean): string {
  if ((b.length - from) % width !== 0) throw new FormatError('config ends in a truncated code unit')
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const text = codePoints()
  for (let i = from; i < b.length; i += width) {
    const cp = width === 2 ? dv.getUint16(i, le) : dv.getUint32(i, le)
    if (cp > 0x10ffff) throw new FormatError('config has a code point beyond U+10FFFF')
    text.add(cp)
  }
  return text.done()
}

/**
 * The text `json.loads(bytes)` parses. BOM handling follows Python's codecs: `utf-8-sig`,
 * `utf-16` and `utf-32` consume their BOM; the explicit-endian codecs keep a U+FEFF, which the
 * JSON parser then rejects (as Python's does).
 */
export function decodeJsonBytes(b: Uint8Array): { text: string; encoding: JsonEncoding } {
  const encoding = detectJsonEncoding(b)
  switch (encoding) {
    case 'utf-8':
      return { text: utf8(b, 0), encoding }
    case 'utf-8-sig':
      return { text: utf8(b, 3), encoding }
    case 'utf-16':
      return { text: wide(b, 2, 2, b[0] === 0xff), encoding }
    case 'utf-16-le':
    case 'utf-16-be':
      return { text: wide(b, 0, 2, encoding === 'utf-16-le'), encoding }
    case 'utf-32':
      return { text: wide(b, 4, 4, b[0] === 0xff), encoding }
    case 'utf-32-le':
    case 'utf-32-be':
      return { text: wide(b, 0, 4, encoding === 'utf-32-le'), encoding }
  }
}
