/**
 * A bounded reader for Python literals (`ast.literal_eval` subset): strings (with prefixes and
 * escapes), numbers, True/False/None, tuples, lists and dicts. Used for `.npy` headers, which
 * NumPy reads with `literal_eval`: a regular expression would see the first `descr` while Python
 * keeps the last one, and would miss tuple and nested spellings.
 */
export type PyValue =
  | Readonly<{ t: 'str'; v: string }>
  | Readonly<{ t: 'num'; v: number }>
  | Readonly<{ t: 'const'; v: 'True' | 'False' | 'None' }>
  | Readonly<{ t: 'tuple' | 'list'; items: readonly PyValue[] }>
  | Readonly<{ t: 'dict'; entries: readonly (readonly [PyValue, PyValue])[] }>

/** Nesting deeper than this is refused (NumPy's own parser has a similar recursion bound). */
const MAX_DEPTH = 64

export class PyLiteralError extends Error {}

export function parsePyLiteral(text: string): PyValue {
  let i = 0
  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at offset ${i}`)
  }
  const ws = (): void => {
    while (i < text.length && /[ \t\r\n\f\v]/.test(text[i]!)) i++
  }
  const str = (): PyValue => {
    let raw = false
    while (/[rRbBuU]/.test(text[i] ?? '')) {
      if (text[i] === 'r' || text[i] === 'R') raw = true
      i++
    }
    const q = text[i]
    if (q !== "'" && q !== '"') return fail('expected a string')
    const triple = text.startsWith(q.repeat(3), i)
    i += triple ? 3 : 1
    let out = ''
    for (;;) {
      if (i >= text.length) return fail('unterminated string')
      const c = text[i]!
      if (triple ? text.startsWith(q.repeat(3), i) : c === q) {
        i += triple ? 3 : 1
        return { t: 'str', v: out }
      }
      if (c === '\\' && !raw) {
        const e = text[i + 1] ?? ''
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '0': '\0',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '\n': '',
        }
        if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8
          const hex = text.slice(i + 2, i + 2 + n)
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return fail('bad escape')
          out += String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff))
          i += 2 + n
          continue
        }
        if (e in simple) {
          out += simple[e]
          i += 2
          continue
        }
        out += c
        i++
        continue
      }
      if (!triple && c === '\n') return fail('newline in string')
      out += c
      i++
    }
  }
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) return fail('nesting too deep')
    ws()
    const c = text[i]
    if (c === undefined) return fail('unexpected end')
    if (c === "'" || c === '"' || (/[rRbBuU]/.test(c) && /['"rRbB]/.test(text[i + 1] ?? '')))
      return str()
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']'
      i++
      const items: PyValue[] = []
      let comma = false
      for (;;) {
        ws()
        if (text[i] === close) {
          i++
          break
        }
        items.push(value(depth + 1))
        ws()
        comma = text[i] === ','
        if (comma) i++
        else if (text[i] !== close) return fail(`expected , or ${close}`)
      }
      // `(x)` is x itself; `(x,)` and `()` are tuples.
      if (c === '(' && items.length === 1 && !comma) return items[0]!
      return { t: c === '(' ? 'tuple' : 'list', items }
    }
    if (c === '{') {
      i++
      const entries: [PyValue, PyValue][] = []
      for (;;) {
        ws()
        if (text[i] === '}') {
          i++
          break
        }
        const k = value(depth + 1)
        ws()
        if (text[i] !== ':') return fail('expected :')
        i++
        entries.push([k, value(depth + 1)])
        ws()
        if (text[i] === ',') i++
        else if (text[i] !== '}') return fail('expected , or }')
      }
      return { t: 'dict', entries }
    }
    const m =
      /^(?:True|False|None)\b|^[-+]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)[lL]?/.exec(
        text.slice(i, i + 64),
      )
    if (!m) return fail('unexpected character')
    i += m[0].length
    if (m[0] === 'True' || m[0] === 'False' || m[0] === 'None') return { t: 'const', v: m[0] }
    return { t: 'num', v: Number(m[0].replace(/[_lL]/g, '')) }
  }
  const v = value(0)
  ws()
  if (i !== text.length) fail('trailing characters')
  return v
}

/** The value Python would keep for `key` in a dict literal (the last duplicate wins). */
export function dictGet(d: PyValue, key: string): PyValue | undefined {
  if (d.t !== 'dict') return undefined
  let found: PyValue | undefined
  for (const [k, v] of d.entries) if (k.t === 'str' && k.v === key) found = v
  return found
}
