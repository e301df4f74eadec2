/**
 * A Jinja tokenizer for static analysis only: it splits a template into tags and expression
 * tokens and decodes string literals the way Jinja does (Python `unicode-escape`), so escapes
 * such as `\x5f\x5f` cannot hide a name. It never renders anything.
 */

export type Token = Readonly<
  | { t: 'name'; v: string; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'op'; v: string; at: number }
>

export type Tag = Readonly<{
  kind: 'expr' | 'stmt' | 'text'
  tokens: readonly Token[]
  at: number
  closed: boolean
  /** Raw text for `text` items (kept so `{% set x %}...{% endset %}` values can be folded). */
  text?: string
}>

export type Lexed = Readonly<{ tags: readonly Tag[]; syntaxErrors: readonly string[] }>

const OPS = [
  '//',
  '**',
  '==',
  '!=',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '.',
  ',',
  ':',
  '|',
  '=',
  '<',
  '>',
  '!',
  ';',
]

function isNameStart(c: string): boolean {
  return /[A-Za-z_\u00c0-\uffff]/.test(c)
}
function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_\u00c0-\uffff]/.test(c)
}

/** Decodes the body of a Jinja string literal (Python unicode-escape semantics). */
export function unescapePython(body: string): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const n = body[++i]!
    const hex = (len: number): void => {
      const h = body.slice(i + 1, i + 1 + len)
      if (h.length === len && /^[0-9a-fA-F]+$/.test(h)) {
        const cp = parseInt(h, 16)
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd'
        i += len
      } else out += '\\' + n
    }
    switch (n) {
      case '\n':
        break
      case '\\':
      case "'":
      case '"':
        out += n
        break
      case 'a':
        out += '\x07'
        break
      case 'b':
        out += '\b'
        break
      case 'f':
        out += '\f'
        break
      case 'n':
        out += '\n'
        break
      case 'r':
        out += '\r'
        break
      case 't':
        out += '\t'
        break
      case 'v':
        out += '\v'
        break
      case 'x':
        hex(2)
        break
      case 'u':
        hex(4)
        break
      case 'U':
        hex(8)
        break
      case 'N': {
        // \N{NAME}: we do not carry the Unicode name table; keep a placeholder that is no letter.
        const close = body.indexOf('}', i)
        if (body[i + 1] === '{' && close > 0) {
          out += '\ufffd'
          i = close
        } else out += '\\N'
        break
      }
      default:
        if (n >= '0' && n <= '7') {
          let j = i
          while (j < body.length && j < i + 3 && body[j]! >= '0' && body[j]! <= '7') j++
          out += String.fromCharCode(parseInt(body.slice(i, j), 8))
          i = j - 1
        } else out += '\\' + n
    }
  }
  return out
}

/** Tokenizes the inside of one tag from `start`; returns the tokens and where the tag ended. */
function lexTag(
  src: string,
  start: number,
  close: string,
): { tokens: Token[]; end: number; closed: boolean; bad?: string } {
  const tokens: Token[] = []
  let i = start
  let bad: string | undefined
  // Like Jinja, a closing delimiter only counts outside open brackets (`{{ {'a': {}} }}`).
  let depth = 0
  while (i < src.length) {
    const c = src[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
      continue
    }
    if (depth === 0) {
      // Whitespace control (`-%}`, `+%}`) then the closing delimiter.
      if ((c === '-' || c === '+') && src.startsWith(close, i + 1)) {
        return { tokens, end: i + 1 + close.length, closed: true, bad }
      }
      if (src.startsWith(close, i)) return { tokens, end: i + close.length, closed: true, bad }
    }
    if (c === "'" || c === '"') {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1
      if (j >= src.length) {
        bad = `unterminated string at offset ${i}`
        tokens.push({ t: 'str', v: unescapePython(src.slice(i + 1)), at: i })
        return { tokens, end: src.length, closed: false, bad }
      }
      tokens.push({ t: 'str', v: unescapePython(src.slice(i + 1, j)), at: i })
      i = j + 1
      continue
    }
    if (c >= '0' && c <= '9') {
      const m = /^(\d[\d_]*)(\.\d[\d_]*)?([eE][-+]?\d+)?/.exec(src.slice(i, i + 64))!
      tokens.push({ t: 'num', v: Number(m[0].replace(/_/g, '')), at: i })
      i += m[0].length
      continue
    }
    if (isNameStart(c)) {
      let j = i + 1
      while (j < src.length && isNameChar(src[j]!)) j++
      tokens.push({ t: 'name', v: src.slice(i, j), at: i })
      i = j
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (op) {
      if (op === '(' || op === '[' || op === '{') depth++
      else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--
      tokens.push({ t: 'op', v: op, at: i })
      i += op.length
      continue
    }
    // Jinja rejects unknown characters; keep going so one odd byte cannot hide the rest.
    bad ??= `unexpected character ${JSON.stringify(c)} at offset ${i}`
    i++
  }
  return {
    tokens,
    end: src.length,
    closed: false,
    bad: bad ?? `tag opened before offset ${start} is never closed`,
  }
}

/** Splits a template into expression and statement tags (text and comments are inert). */
export function lexTemplate(src: string): Lexed {
  const tags: Tag[] = []
  const syntaxErrors: string[] = []
  let i = 0
  let textFrom = 0
  const flushText = (to: number): void => {
    if (to > textFrom)
      tags.push({
        kind: 'text',
        tokens: [],
        at: textFrom,
        closed: true,
        text: src.slice(textFrom, to),
      })
  }
  while (i < src.length) {
    const open = src.indexOf('{', i)
    if (open < 0 || open + 1 >= src.length) break
    const kind = src[open + 1]
    if (kind === '#' || kind === '{' || kind === '%') flushText(open)
    if (kind === '#') {
      const end = src.indexOf('#}', open + 2)
      if (end < 0) {
        syntaxErrors.push(`comment at offset ${open} is never closed`)
        break
      }
      i = end + 2
      textFrom = i
      continue
    }
    if (kind !== '{' && kind !== '%') {
      i = open + 1
      continue
    }
    let start = open + 2
    if (src[start] === '-' || src[start] === '+') start++
    const r = lexTag(src, start, kind === '{' ? '}}' : '%}')
    if (r.bad) syntaxErrors.push(r.bad)
    const tag: Tag = {
      kind: kind === '{' ? 'expr' : 'stmt',
      tokens: r.tokens,
      at: open,
      closed: r.closed,
    }
    tags.push(tag)
    i = r.end
    textFrom = i
    // `{% raw %}` ... `{% endraw %}` is text, whatever it contains.
    const t0 = r.tokens[0]
    if (tag.kind === 'stmt' && t0?.t === 'name' && t0.v === 'raw') {
      const m = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(src.slice(i))
      if (!m) {
        syntaxErrors.push(`raw block at offset ${open} is never closed`)
        break
      }
      tags.push({ kind: 'text', tokens: [], at: i, closed: true, text: src.slice(i, i + m.index) })
      i += m.index + m[0].length
      textFrom = i
    }
  }
  flushText(src.length)
  return { tags, syntaxErrors }
}
