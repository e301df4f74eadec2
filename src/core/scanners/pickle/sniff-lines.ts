/**
 * Protocol-0 line operands exactly as the real unpicklers accept them. The content sniff must not
 * reject a line a loader reads, or a pickle that opens with it is taken for something else (a
 * structured format, unknown content dropped from an archive). Accepted is the union of CPython's
 * C unpickler (`_pickle.c`, what pickle.load and torch.load use) and the pure-Python
 * `pickle._Unpickler` (what joblib's NumpyUnpickler subclasses):
 *
 * - INT: C `strtol(s, &end, 0)` (leading whitespace, `0x` hex, `0` octal) with the rest `\n` or
 *   NUL, else `PyLong_FromString(s, NULL, 0)` (also `0o`/`0b`, `_` between digits, trailing
 *   whitespace); the C copy of the line is NUL-terminated, so a NUL ends the operand early.
 * - LONG: one trailing `L` dropped, then `PyLong_FromString(s, NULL, 0)`.
 * - FLOAT: C `PyOS_string_to_double` (no whitespace or `_`, but `.5`, `inf`, `infinity`,
 *   `nan`), Python `float()` (surrounding whitespace and `_` between digits allowed).
 * - STRING: quoted; UNICODE: raw-unicode-escape (any byte; `\u`/`\U` escapes must be whole);
 *   PERSID: ASCII; GET/PUT: `PyLong_FromString(s, NULL, 10)`, not negative.
 */

const WS = '[ \\t\\v\\f\\r]'
/** `PyLong_FromString(s, NULL, 0)`, Python `int(s, 0)`. */
const PYLONG0 = new RegExp(
  `^${WS}*[-+]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)${WS}*$`,
)
/** glibc `strtol(s, &end, 0)` consuming everything up to the newline or NUL. */
const STRTOL0 = new RegExp(`^${WS}*[-+]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$`)
/** Memo keys: `PyLong_FromString(s, NULL, 10)` / `int(s)`; a negative key is refused by both. */
const MEMO_KEY = new RegExp(`^${WS}*(?:\\+?[0-9](?:_?[0-9])*|-0(?:_?0)*)${WS}*$`)
/** `PyOS_string_to_double` (CPython's dtoa plus `_Py_parse_inf_or_nan`). */
const C_FLOAT =
  /^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])$/
const D = '[0-9](?:_?[0-9])*'
/** Python `float(bytes)`. */
const PY_FLOAT = new RegExp(
  `^${WS}*[-+]?(?:(?:${D}(?:\\.(?:${D})?)?|\\.${D})(?:[eE][-+]?${D})?|inf(?:inity)?|nan)${WS}*$`,
  'i',
)
/**
 * The start of an integer or float operand that is longer than the walk reads: only whitespace
 * padding or a long run of digits makes one that long, so anything else (words) is no operand.
 */
const LONG_INT_START = new RegExp(`^${WS}*(?:[-+]?(?:0[xXoObB])?[0-9a-fA-F_]+${WS}*)?$`)
const LONG_FLOAT_START = new RegExp(
  `^${WS}*(?:[-+]?[0-9_]*\\.?[0-9_]*(?:[eE][-+]?[0-9_]*)?${WS}*)?$`,
)

/** The operand as C sees it: the copied line is NUL-terminated, so a NUL ends it. */
function cString(line: string): string {
  const z = line.indexOf('\0')
  return z >= 0 ? line.slice(0, z) : line
}

function intOk(line: string): boolean {
  const s = cString(line)
  // A NUL first: strtol converts nothing and stops on the NUL, which _pickle.c accepts (0).
  if (s === '') return line.length > 0
  return STRTOL0.test(s) || PYLONG0.test(s)
}

function longOk(line: string): boolean {
  return PYLONG0.test(cString(line.endsWith('L') ? line.slice(0, -1) : line))
}

function floatOk(line: string): boolean {
  return C_FLOAT.test(cString(line)) || PY_FLOAT.test(line)
}

/** raw-unicode-escape: only an odd run of backslashes before `u`/`U` starts an escape. */
function rawUnicodeEscapeOk(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '\\') continue
    let j = i
    while (j < line.length && line[j] === '\\') j++
    const c = line[j]
    if ((j - i) % 2 === 1 && (c === 'u' || c === 'U')) {
      const n = c === 'u' ? 4 : 8
      const hex = line.slice(j + 1, j + 1 + n)
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return false
      if (parseInt(hex, 16) > 0x10ffff) return false
      j += 1 + n
    }
    i = j - 1
  }
  return true
}

/** Whether a protocol-0 opcode's line operand (without its newline) is one an unpickler reads. */
export function lineOk(op: number, line: string): boolean {
  switch (op) {
    case 0x49: // INT (also 00 / 01 booleans)
      return intOk(line)
    case 0x4c: // LONG
      return longOk(line)
    case 0x46: // FLOAT
      return floatOk(line)
    case 0x53: // STRING: quoted (escapes are not checked: accepting more is the safe side)
      return line.length >= 2 && (line[0] === "'" || line[0] === '"') && line.at(-1) === line[0]
    case 0x56: // UNICODE
      return rawUnicodeEscapeOk(line)
    case 0x50: // PERSID
      return /^[\0-\x7f]*$/.test(line)
    case 0x67: // GET
    case 0x70: // PUT
      return MEMO_KEY.test(cString(line))
    default:
      return false
  }
}

/**
 * A line longer than the walk reads (`prefix` is its start, no newline in it) that could still be
 * a valid operand: the unpicklers read lines of any length (an INT padded with a megabyte of
 * spaces, a NUL then anything), so such a line must count as a pickle rather than end the walk.
 */
export function longLineMayBeOk(op: number, prefix: string): boolean {
  switch (op) {
    case 0x49:
    case 0x4c:
    case 0x46:
    case 0x67:
    case 0x70: {
      // After a NUL the C unpickler ignores the rest of the line, whatever it holds.
      if (prefix.includes('\0')) return lineOk(op, prefix)
      return (op === 0x46 ? LONG_FLOAT_START : LONG_INT_START).test(prefix)
    }
    case 0x53:
      return prefix[0] === "'" || prefix[0] === '"'
    case 0x56:
      return true
    case 0x50:
      return /^[\0-\x7f]*$/.test(prefix)
    default:
      return false
  }
}
