/**
 * A Python tokenizer written for static review of untrusted code (custom model code, TorchServe
 * handlers, TorchScript `code/` files). It never runs anything and never throws: input it cannot
 * make sense of becomes `op` tokens, so a reader downstream still sees every name and call.
 *
 * What it keeps: names, string literals (decoded, with prefixes), numbers, operators, logical
 * line ends (brackets and backslash continuations joined). Comments are dropped. The expressions
 * inside f-string replacement fields are tokenized as code, so `f"{os.system('id')}"` is a call.
 */

export type PyTokenType = 'name' | 'string' | 'number' | 'op' | 'newline'

export type PyToken = Readonly<{
  type: PyTokenType
  /** Name text, operator text, or the decoded value of a string literal. */
  value: string
  /** 1-based line of the token's first character. */
  line: number
  /** String prefix letters in lower case (`b`, `rb`, `f`, ...); empty for plain strings. */
  prefix?: string
}>

const NAME_START = /[A-Za-z_\u00c0-\uffff]/
const NAME_CHAR = /[A-Za-z0-9_\u00c0-\uffff]/
const OPS3 = ['**=', '//=', '>>=', '<<=', '...', '!=']
const OPS2 = [
  '**',
  '//',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '->',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  ':=',
]
const STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/

/** Upper bound on tokens per file: a reader of model code never needs more. */
export const MAX_TOKENS = 2_000_000

/** Decodes backslash escapes of a non-raw literal (enough to see `'\x6f\x73'` as `os`). */
function unescape(body: string, bytes: boolean): string {
  if (!body.includes('\\')) return body
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const n = body[++i]!
    switch (n) {
      case '\n':
        break
      case 'n':
        out += '\n'
        break
      case 't':
        out += '\t'
        break
      case 'r':
        out += '\r'
        break
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        const m = /^[0-7]{1,3}/.exec(body.slice(i))![0]
        out += String.fromCharCode(parseInt(m, 8))
        i += m.length - 1
        break
      }
      case 'x': {
        const h = body.slice(i + 1, i + 3)
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          out += String.fromCharCode(parseInt(h, 16))
          i += 2
        } else out += '\\x'
        break
      }
      case 'u':
      case 'U': {
        const len = n === 'u' ? 4 : 8
        const h = body.slice(i + 1, i + 1 + len)
        if (!bytes && new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) {
          const cp = parseInt(h, 16)
          out += cp <= 0x10ffff ? String.fromCodePoint(cp) : ''
          i += len
        } else out += `\\${n}`
        break
      }
      case 'N': {
        // \N{NAME}: the name itself is kept; no Unicode name table here.
        const m = /^\{[^}]*\}/.exec(body.slice(i + 1))
        if (m && !bytes) {
          out += m[0].slice(1, -1)
          i += m[0].length
        } else out += '\\N'
        break
      }
      case 'a':
        out += '\x07'
        break
      case 'b':
        out += '\b'
        break
      case 'f':
        out += '\f'
        break
      case 'v':
        out += '\v'
        break
      default:
        out += n === '\\' || n === "'" || n === '"' ? n : `\\${n}`
    }
  }
  return out
}

/**
 * Splits an f-string body into its literal text and the source of its replacement fields
 * (`{expr!r:fmt}` gives `expr`). Nested quotes and brackets are tracked roughly; that is enough
 * to find calls hidden in the fields.
 */
function splitFString(body: string): { literal: string; fields: string[] } {
  let literal = ''
  const fields: string[] = []
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c === '{' && body[i + 1] === '{') {
      literal += '{'
      i++
      continue
    }
    if (c === '}' && body[i + 1] === '}') {
      literal += '}'
      i++
      continue
    }
    if (c !== '{') {
      literal += c
      continue
    }
    let depth = 1
    let j = i + 1
    let quote = ''
    for (; j < body.length && depth > 0; j++) {
      const d = body[j]!
      if (quote) {
        if (d === quote) quote = ''
        continue
      }
      if (d === "'" || d === '"') quote = d
      else if (d === '{' || d === '[' || d === '(') depth++
      else if (d === '}' || d === ']' || d === ')') depth--
    }
    let expr = body.slice(i + 1, j - 1)
    // Drop a conversion or format spec at top level (`!r`, `:>10`), keep `!=` comparisons.
    const cut = /(?<![=!<>])![rsa](?::.*)?$|(?<![=!<>:]):(?![=])[^()[\]{}]*$/.exec(expr)
    if (cut) expr = expr.slice(0, cut.index)
    if (expr.trim()) fields.push(expr.replace(/=\s*$/, ''))
    i = j - 1
  }
  return { literal, fields }
}

/** Tokenizes Python source. Bounded by MAX_TOKENS; never throws. */
export function tokenizePython(src: string, lineOffset = 0): PyToken[] {
  const out: PyToken[] = []
  let line = 1 + lineOffset
  let depth = 0
  let i = 0
  const n = src.length
  const push = (type: PyTokenType, value: string, at: number, prefix?: string): void => {
    if (out.length >= MAX_TOKENS) return
    out.push(prefix === undefined ? { type, value, line: at } : { type, value, line: at, prefix })
  }
  const newline = (): void => {
    const last = out[out.length - 1]
    if (depth === 0 && last && last.type !== 'newline') push('newline', '', line)
  }
  while (i < n && out.length < MAX_TOKENS) {
    const c = src[i]!
    if (c === '\n') {
      newline()
      line++
      i++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++
      continue
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++
      continue
    }
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\n' ? 2 : 3
      line++
      continue
    }
    if (c === ';') {
      newline()
      i++
      continue
    }
    // Names, and string prefixes glued to a quote.
    if (NAME_START.test(c)) {
      let j = i + 1
      while (j < n && NAME_CHAR.test(src[j]!)) j++
      const word = src.slice(i, j)
      if ((src[j] === '"' || src[j] === "'") && STRING_PREFIX.test(word)) {
        i = readString(src, j, word.toLowerCase())
        continue
      }
      push('name', word, line)
      i = j
      continue
    }
    if (c === '"' || c === "'") {
      i = readString(src, i, '')
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1
      while (j < n && /[0-9A-Za-z_.]/.test(src[j]!)) {
        if ((src[j] === 'e' || src[j] === 'E') && (src[j + 1] === '+' || src[j + 1] === '-')) j++
        j++
      }
      push('number', src.slice(i, j), line)
      i = j
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    const three = src.slice(i, i + 3)
    const two = src.slice(i, i + 2)
    const op = OPS3.includes(three) ? three : OPS2.includes(two) ? two : c
    push('op', op, line)
    i += op.length
  }
  newline()
  return out

  /** Reads a literal starting at the quote at `q`; returns the index after it. */
  function readString(s: string, q: number, prefix: string): number {
    const quote = s[q]!
    const triple = s.slice(q, q + 3) === quote.repeat(3)
    const open = triple ? 3 : 1
    const startLine = line
    let j = q + open
    let body = ''
    for (;;) {
      if (j >= n) break
      const d = s[j]!
      if (d === '\\' && j + 1 < n) {
        if (s[j + 1] === '\n') line++
        body += d + s[j + 1]
        j += 2
        continue
      }
      if (d === '\n') {
        if (!triple) break // unterminated single-line literal: stop at the line end
        line++
      }
      if (d === quote && (!triple || s.slice(j, j + 3) === quote.repeat(3))) {
        j += open
        break
      }
      body += d
      j++
    }
    const raw = prefix.includes('r')
    const bytes = prefix.includes('b')
    if (prefix.includes('f')) {
      const { literal, fields } = splitFString(body)
      push('string', raw ? literal : unescape(literal, false), startLine, prefix)
      for (const f of fields) {
        // The field's tokens sit inside parentheses so they read as one expression.
        push('op', '(', startLine)
        for (const t of tokenizePython(f, startLine - 1)) {
          if (t.type !== 'newline') push(t.type, t.value, t.line, t.prefix)
        }
        push('op', ')', startLine)
      }
    } else {
      push('string', raw ? body : unescape(body, bytes), startLine, prefix)
    }
    return j
  }
}
