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
  /**
   * Raw text for `text` items (kept so `{% set x %}...{% endset %}` values can be folded);
   * undefined when the text was longer than `maxText` (its value is then unknown).
   */
  text?: string
  /** The tag had more tokens than `maxTagTokens`: only the first ones are in `tokens`. */
  truncated?: boolean
  /** Tokens past the budget that `keepPastBudget` selected (bounded). */
  pastBudget?: readonly Token[]
}>

/** Memory bounds of one lexing run; every budget that runs out is reported, never silent. */
export type LexLimits = Readonly<{
  /** Tokens kept for one tag (a real chat template's largest tag has a few hundred). */
  maxTagTokens: number
  /** Tokens lexed over the whole template before lexing stops. */
  maxTokens: number
  /** Characters of text (and of one string literal) kept. */
  maxText: number
  /** Which tokens past a tag's budget to keep for a token-level check. */
  keepPastBudget?(t: Token): boolean
}>

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

const EOF = ''

/**
 * A streaming Jinja lexer: it pulls the template text chunk by chunk and yields one tag at a
 * time, so memory holds the current tag and the unread part of the current chunk, never the
 * whole template. Budgets bound the tokens kept per tag and over the whole run.
 */
export class TemplateLexer {
  readonly syntaxErrors: string[] = []
  /** Tokens lexed so far over the whole template. */
  tokens = 0
  /** Set when `maxTokens` ran out: the rest of the template was not read. */
  stopped = false
  private buf = ''
  /** Absolute offset of buf[0]. */
  private base = 0
  private eof = false

  constructor(
    private readonly chunks: Iterator<string>,
    private readonly limits: LexLimits,
  ) {}

  /** Characters read so far (the template's length once the lexer is done). */
  get length(): number {
    return this.base + this.buf.length
  }

  /** Makes sure absolute positions below `end` are buffered (as far as the text goes). */
  private fill(end: number): void {
    while (!this.eof && this.base + this.buf.length < end) {
      const n = this.chunks.next()
      if (n.done) this.eof = true
      else this.buf += n.value
    }
  }

  private ch(i: number): string {
    this.fill(i + 1)
    return this.buf[i - this.base] ?? EOF
  }

  private startsWith(s: string, i: number): boolean {
    this.fill(i + s.length)
    return this.buf.startsWith(s, i - this.base)
  }

  private slice(a: number, b: number): string {
    this.fill(b)
    return this.buf.slice(a - this.base, b - this.base)
  }

  /**
   * Index of `s` at or after `from`, reading on as needed; -1 at the end of the text. Text that
   * the search moves past is handed to `consume` (when given) before it is forgotten.
   */
  private find(s: string, from: number, consume?: (to: number) => void): number {
    for (;;) {
      const at = this.buf.indexOf(s, Math.max(0, from - this.base))
      if (at >= 0) return at + this.base
      const end = this.base + this.buf.length
      if (this.eof) {
        consume?.(end)
        return -1
      }
      // A needle split across chunks starts at most s.length - 1 characters before the end.
      from = Math.max(from, end - s.length + 1)
      consume?.(from)
      this.drop(from)
      this.fill(end + 1)
    }
  }

  /** Forgets buffered text before absolute position `at` once enough of it has piled up. */
  private drop(at: number): void {
    const n = Math.min(at - this.base, this.buf.length)
    if (n >= 1 << 20) {
      this.buf = this.buf.slice(n)
      this.base += n
    }
  }

  private count(): boolean {
    if (++this.tokens > this.limits.maxTokens) this.stopped = true
    return !this.stopped
  }

  /** Tokenizes the inside of one tag from `start` up to its closing delimiter. */
  private lexTag(
    start: number,
    close: string,
  ): {
    tokens: Token[]
    end: number
    closed: boolean
    bad?: string
    truncated: boolean
    past: Token[]
  } {
    const tokens: Token[] = []
    const past: Token[] = []
    let truncated = false
    const push = (t: Token): void => {
      if (tokens.length < this.limits.maxTagTokens) tokens.push(t)
      else {
        truncated = true
        if (past.length < 100 && this.limits.keepPastBudget?.(t)) past.push(t)
      }
    }
    let i = start
    let bad: string | undefined
    // Like Jinja, a closing delimiter only counts outside open brackets (`{{ {'a': {}} }}`).
    let depth = 0
    const done = (end: number, closed: boolean) => ({
      tokens,
      end,
      closed,
      bad: bad ?? (closed ? undefined : `tag opened before offset ${start} is never closed`),
      truncated,
      past,
    })
    for (;;) {
      const c = this.ch(i)
      if (c === EOF) return done(i, false)
      // Tokens already lexed in this tag stay in `tokens`; the buffer keeps only from here.
      this.drop(i)
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++
        continue
      }
      if (depth === 0) {
        // Whitespace control (`-%}`, `+%}`) then the closing delimiter.
        if ((c === '-' || c === '+') && this.startsWith(close, i + 1))
          return done(i + 1 + close.length, true)
        if (this.startsWith(close, i)) return done(i + close.length, true)
      }
      if (!this.count()) return { ...done(i, false), bad: undefined }
      if (c === "'" || c === '"') {
        let j = i + 1
        let body = ''
        let long = false
        for (;;) {
          const d = this.ch(j)
          if (d === EOF || d === c) break
          const step = d === '\\' ? 2 : 1
          if (body.length < this.limits.maxText) body += this.slice(j, j + step)
          else long = true
          j += step
          this.drop(j)
        }
        const value = long ? body.slice(0, this.limits.maxText) : body
        if (this.ch(j) === EOF) {
          bad = `unterminated string at offset ${i}`
          push({ t: 'str', v: unescapePython(value), at: i })
          return done(j, false)
        }
        push({ t: 'str', v: unescapePython(value), at: i })
        i = j + 1
        continue
      }
      if (c >= '0' && c <= '9') {
        const m = /^(\d[\d_]*)(\.\d[\d_]*)?([eE][-+]?\d+)?/.exec(this.slice(i, i + 64))!
        push({ t: 'num', v: Number(m[0].replace(/_/g, '')), at: i })
        i += m[0].length
        continue
      }
      if (isNameStart(c)) {
        let j = i + 1
        while (isNameChar(this.ch(j)) && j - i < this.limits.maxText) j++
        push({ t: 'name', v: this.slice(i, j), at: i })
        i = j
        continue
      }
      const op = OPS.find((o) => this.startsWith(o, i))
      if (op) {
        if (op === '(' || op === '[' || op === '{') depth++
        else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--
        push({ t: 'op', v: op, at: i })
        i += op.length
        continue
      }
      // Jinja rejects unknown characters; keep going so one odd byte cannot hide the rest.
      bad ??= `unexpected character ${JSON.stringify(c)} at offset ${i}`
      i++
    }
  }

  /** Expression and statement tags in order, with the text between them. */
  *tags(): Generator<Tag> {
    let i = 0
    let textFrom = 0
    let text = ''
    let longText = false
    /** An unclosed comment runs to the end: nothing after it is text. */
    let swallowed = false
    /** Moves text [textFrom, to) into the pending text item (kept while its budget lasts). */
    const takeText = (to: number): void => {
      if (to <= textFrom) return
      if (!longText && text.length + (to - textFrom) <= this.limits.maxText)
        text += this.slice(textFrom, to)
      else longText = true
      textFrom = to
    }
    const textTag = (to: number): Tag | undefined => {
      const at = textFrom - text.length
      takeText(to)
      const t: Tag | undefined =
        text.length > 0 || longText
          ? { kind: 'text', tokens: [], at, closed: true, text: longText ? undefined : text }
          : undefined
      text = ''
      longText = false
      return t
    }
    while (!this.stopped) {
      const open = this.find('{', i, takeText)
      if (open < 0) break
      const kind = this.ch(open + 1)
      if (kind === EOF) break
      if (kind !== '#' && kind !== '{' && kind !== '%') {
        i = open + 1
        continue
      }
      const t = textTag(open)
      if (t) yield t
      if (kind === '#') {
        const end = this.find('#}', open + 2)
        if (end < 0) {
          this.syntaxErrors.push(`comment at offset ${open} is never closed`)
          swallowed = true
          break
        }
        i = end + 2
        textFrom = i
        continue
      }
      let start = open + 2
      if (this.ch(start) === '-' || this.ch(start) === '+') start++
      const r = this.lexTag(start, kind === '{' ? '}}' : '%}')
      if (r.bad) this.syntaxErrors.push(r.bad)
      const tag: Tag = {
        kind: kind === '{' ? 'expr' : 'stmt',
        tokens: r.tokens,
        at: open,
        closed: r.closed,
        ...(r.truncated ? { truncated: true, pastBudget: r.past } : {}),
      }
      yield tag
      i = r.end
      textFrom = i
      // `{% raw %}` ... `{% endraw %}` is text, whatever it contains.
      const t0 = r.tokens[0]
      if (tag.kind === 'stmt' && t0?.t === 'name' && t0.v === 'raw') {
        let found: { at: number; end: number } | undefined
        for (let j = i; ;) {
          const at = this.find('{%', j, takeText)
          if (at < 0) break
          const m = /^\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(this.slice(at, at + 64))
          if (m) {
            found = { at, end: at + m[0].length }
            break
          }
          j = at + 2
        }
        if (!found) {
          this.syntaxErrors.push(`raw block at offset ${open} is never closed`)
          break
        }
        const raw = textTag(found.at)
        if (raw) yield raw
        i = found.end
        textFrom = i
      }
    }
    if (!this.stopped && !swallowed) {
      // The rest is text: read it through (kept while its budget lasts).
      for (;;) {
        takeText(this.length)
        this.drop(textFrom)
        if (this.eof) break
        this.fill(this.length + 1)
      }
      const t = textTag(this.length)
      if (t) yield t
    }
  }
}

/** Splits text into chunks (the same lexer serves strings and streamed files). */
export function* chunksOf(text: string, size = 1 << 20): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size)
}
