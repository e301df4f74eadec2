import type { Node, Val } from './parser'
import { capitalize, jinjaTitle, pad, pyReplace, pyStrip, pyTitle } from './pystr'

/** Marker for values that cannot be known without rendering. */
export const UNKNOWN: unique symbol = Symbol('unknown')
export type Folded = Val | typeof UNKNOWN

/** Names bound by `{% set %}` with the constant (or unknown) value they hold. */
export type Env = Map<string, Folded>

/** Folded strings are capped so `'a' * 10**9` cannot exhaust memory. */
export const MAX_STR = 100_000

/** Whether str(v) below is exactly Python's str() (list reprs of plain ASCII strings only). */
function exactStr(v: Val, depth = 0): boolean {
  if (v instanceof Map || depth > 8) return false
  if (typeof v === 'number') return Number.isInteger(v)
  if (Array.isArray(v))
    return (v as Val[]).every((x) =>
      typeof x === 'string' ? /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/.test(x) : exactStr(x, depth + 1),
    )
  return true
}

function str(v: Val): string {
  if (v === null) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v))
    return `[${(v as Val[]).map((x) => (typeof x === 'string' ? `'${x}'` : str(x))).join(', ')}]`
  return '{...}'
}

function cap(s: string): Folded {
  return s.length > MAX_STR ? UNKNOWN : s
}

function index(len: number, i: number): number {
  return i < 0 ? len + i : i
}

/** Python slice semantics on strings and lists. */
function slice(
  v: string | readonly Val[],
  a: Folded | undefined,
  b: Folded | undefined,
  c: Folded | undefined,
): Folded {
  const step = c === undefined || c === null ? 1 : c
  if (typeof step !== 'number' || step === 0 || !Number.isInteger(step)) return UNKNOWN
  if (
    (a !== undefined && a !== null && typeof a !== 'number') ||
    (b !== undefined && b !== null && typeof b !== 'number')
  )
    return UNKNOWN
  const len = v.length
  const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x))
  let start: number
  let stop: number
  if (step > 0) {
    start = a === undefined || a === null ? 0 : clamp(index(len, a), 0, len)
    stop = b === undefined || b === null ? len : clamp(index(len, b), 0, len)
  } else {
    start = a === undefined || a === null ? len - 1 : clamp(index(len, a), -1, len - 1)
    stop = b === undefined || b === null ? -1 : clamp(index(len, b), -1, len - 1)
  }
  const out: Val[] = []
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(typeof v === 'string' ? v[i]! : v[i]!)
    if (out.length > MAX_STR) return UNKNOWN
  }
  return typeof v === 'string' ? (out as string[]).join('') : out
}

/** printf-style `%` formatting (`'%s%s' % (a, b)`, `|format`): s, c, d, i and %% with flags,
 * width and precision; any other conversion is not folded. */
function percent(fmt: string, args: readonly Val[]): Folded {
  let i = 0
  let bad = false
  const out = fmt.replace(
    /%([-#0 +]*)(\d*)(?:\.(\d+))?(.?)/g,
    (_m, flags: string, w: string, prec: string | undefined, conv: string) => {
      if (conv === '%' && !flags && !w && prec === undefined) return '%'
      const a = args[i++]
      let body: string | undefined
      if (a === undefined) body = undefined
      else if (conv === 's' && exactStr(a))
        body = prec === undefined ? str(a) : str(a).slice(0, Number(prec))
      else if (conv === 'c' && prec === undefined)
        body =
          typeof a === 'number' && Number.isInteger(a) && a >= 0 && a <= 0x10ffff
            ? String.fromCodePoint(a)
            : typeof a === 'string' && [...a].length === 1
              ? a
              : undefined
      else if (
        (conv === 'd' || conv === 'i') &&
        typeof a === 'number' &&
        Number.isInteger(a) &&
        !flags &&
        prec === undefined
      )
        body = String(a)
      if (body === undefined || /[#0 +]/.test(flags) || Number(w || 0) > MAX_STR) {
        bad = true
        return ''
      }
      const width = Number(w || 0) - [...body].length
      if (width <= 0) return body
      return flags.includes('-') ? body + ' '.repeat(width) : ' '.repeat(width) + body
    },
  )
  // Python raises when arguments are left over ("not all arguments converted").
  return bad || i !== args.length ? UNKNOWN : cap(out)
}

/** `'{}{}'.format(a, b)` / `'{0}'.format(a)` / `{{` and `}}`; specs, conversions and field
 * lookups are not folded (Python would apply them). */
function braceFormat(fmt: string, args: readonly Val[]): Folded {
  let auto = 0
  let manual = false
  let out = ''
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!
    if ((c === '{' || c === '}') && fmt[i + 1] === c) {
      out += c
      i++
    } else if (c === '}') return UNKNOWN
    else if (c === '{') {
      const end = fmt.indexOf('}', i)
      const field = end < 0 ? undefined : fmt.slice(i + 1, end)
      if (field === undefined || !/^\d*$/.test(field)) return UNKNOWN
      if (field === '' ? manual : auto > 0) return UNKNOWN
      if (field !== '') manual = true
      const a = args[field === '' ? auto++ : Number(field)]
      if (a === undefined || !exactStr(a)) return UNKNOWN
      out += str(a)
      i = end
    } else out += c
    if (out.length > MAX_STR) return UNKNOWN
  }
  return out
}

function known(vals: readonly Folded[]): vals is Val[] {
  return vals.every((v) => v !== UNKNOWN)
}

function foldFilter(name: string, v: Folded, args: readonly Folded[]): Folded {
  if (v === UNKNOWN || !known(args)) return UNKNOWN
  const s = typeof v === 'string' ? v : undefined
  const list = Array.isArray(v) ? (v as readonly Val[]) : undefined
  const map = v instanceof Map ? [...v.keys()] : undefined
  switch (name) {
    case 'join': {
      const sep = args[0] === undefined ? '' : args[0]
      const items = list ?? map ?? (s !== undefined ? [...s] : undefined)
      if (!items || !exactStr(sep) || !items.every((x) => exactStr(x))) return UNKNOWN
      return cap(items.map(str).join(str(sep)))
    }
    case 'replace':
      return s === undefined ? UNKNOWN : pyReplace(s, args[0], args[1], args[2])
    case 'center':
      // Jinja's do_center(value, width=80) takes no fill character.
      return s === undefined || args.length > 1 ? UNKNOWN : pad(s, 'center', args[0] ?? 80, ' ')
    case 'title':
      return s === undefined ? UNKNOWN : jinjaTitle(s)
    case 'd':
    case 'default':
      // A folded value is defined; with boolean=true a falsy one takes the default.
      return args[1] === true && !truthy(v) ? (args[0] ?? '') : v
    case 'format':
      return s === undefined ? UNKNOWN : percent(s, args)
    case 'lower':
      return s?.toLowerCase() ?? UNKNOWN
    case 'upper':
      return s?.toUpperCase() ?? UNKNOWN
    case 'capitalize':
      return s === undefined ? UNKNOWN : capitalize(s)
    case 'trim':
      return s === undefined ? UNKNOWN : pyStrip(s, args[0], true, true)
    case 'reverse':
      return s !== undefined ? [...s].reverse().join('') : list ? [...list].reverse() : UNKNOWN
    case 'string':
      return exactStr(v) ? str(v) : UNKNOWN
    case 'list':
      return s !== undefined ? [...s] : (list ?? map ?? UNKNOWN)
    case 'first':
      return s !== undefined ? (s[0] ?? UNKNOWN) : (list?.[0] ?? UNKNOWN)
    case 'last':
      return s !== undefined ? (s[s.length - 1] ?? UNKNOWN) : (list?.[list.length - 1] ?? UNKNOWN)
    case 'safe':
    case 'e':
    case 'escape':
      return v
    default:
      return UNKNOWN
  }
}

function truthy(v: Val): boolean {
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0
  if (v instanceof Map) return v.size > 0
  return v !== null && v !== false && v !== 0
}

function foldMethod(recv: Folded, name: string, args: readonly Folded[]): Folded {
  if (!known(args)) return UNKNOWN
  if (recv instanceof Map && name === 'get' && typeof args[0] === 'string')
    return recv.get(args[0]) ?? (args[1] === undefined ? null : args[1])
  if (typeof recv !== 'string') return UNKNOWN
  switch (name) {
    case 'join': {
      const items = args[0]
      // Python's str.join takes strings only.
      const parts = Array.isArray(items)
        ? (items as Val[])
        : typeof items === 'string'
          ? [...items]
          : []
      if (items === undefined || !parts.every((x) => typeof x === 'string')) return UNKNOWN
      return cap((parts as string[]).join(recv))
    }
    case 'replace':
      return pyReplace(recv, args[0], args[1], args[2])
    case 'format':
      return braceFormat(recv, args)
    case 'lower':
      return recv.toLowerCase()
    case 'upper':
      return recv.toUpperCase()
    case 'strip':
      return pyStrip(recv, args[0], true, true)
    case 'lstrip':
      return pyStrip(recv, args[0], true, false)
    case 'rstrip':
      return pyStrip(recv, args[0], false, true)
    case 'center':
    case 'ljust':
    case 'rjust':
    case 'zfill':
      return pad(recv, name, args[0], args[1])
    case 'removeprefix':
      return typeof args[0] === 'string'
        ? recv.startsWith(args[0])
          ? recv.slice(args[0].length)
          : recv
        : UNKNOWN
    case 'removesuffix':
      return typeof args[0] === 'string'
        ? args[0] !== '' && recv.endsWith(args[0])
          ? recv.slice(0, -args[0].length)
          : recv
        : UNKNOWN
    case 'swapcase':
      return /^[\x00-\x7f]*$/.test(recv)
        ? [...recv].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')
        : UNKNOWN
    case 'title':
      return pyTitle(recv)
    case 'capitalize':
      return capitalize(recv)
    default:
      return UNKNOWN
  }
}

/** Computes the constant value of an expression where that is possible without rendering. */
export function fold(n: Node, env: Env, depth = 0): Folded {
  if (depth > 200) return UNKNOWN
  const f = (x: Node): Folded => fold(x, env, depth + 1)
  switch (n.k) {
    case 'lit':
      return n.v
    case 'name':
      return env.has(n.id) ? env.get(n.id)! : UNKNOWN
    case 'attr': {
      // namespace attributes set with `{% set ns.x = ... %}` are tracked as `ns.x`.
      if (n.obj.k === 'name' && env.has(`${n.obj.id}.${n.name}`))
        return env.get(`${n.obj.id}.${n.name}`)!
      const o = f(n.obj)
      return o instanceof Map ? (o.get(n.name) ?? UNKNOWN) : UNKNOWN
    }
    case 'item': {
      const o = f(n.obj)
      const k = f(n.key)
      if (
        typeof k === 'number' &&
        Number.isInteger(k) &&
        (typeof o === 'string' || Array.isArray(o))
      ) {
        const arr = o as string | readonly Val[]
        return arr[index(arr.length, k)] ?? UNKNOWN
      }
      if (typeof k === 'string' && o instanceof Map) return o.get(k) ?? UNKNOWN
      return UNKNOWN
    }
    case 'slice': {
      const o = f(n.obj)
      if (typeof o !== 'string' && !Array.isArray(o)) return UNKNOWN
      const a = n.a ? f(n.a) : undefined
      const b = n.b ? f(n.b) : undefined
      const c = n.c ? f(n.c) : undefined
      if (a === UNKNOWN || b === UNKNOWN || c === UNKNOWN) return UNKNOWN
      return slice(o as string | readonly Val[], a, b, c)
    }
    case 'call': {
      const args = n.args.map(f)
      if (n.fn.k === 'attr') return foldMethod(f(n.fn.obj), n.fn.name, args)
      if (n.fn.k === 'name' && n.fn.id === 'dict' && !env.has('dict')) {
        return new Map(
          n.kw
            .map(([k, v]) => [k, f(v)] as const)
            .filter((e): e is [string, Val] => e[1] !== UNKNOWN),
        )
      }
      return UNKNOWN
    }
    case 'filter':
      return foldFilter(n.name, f(n.obj), n.args.map(f))
    case 'bin': {
      const l = f(n.l)
      const r = f(n.r)
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN
      switch (n.op) {
        case '~':
          return exactStr(l) && exactStr(r) ? cap(str(l) + str(r)) : UNKNOWN
        case '+':
          if (typeof l === 'string' && typeof r === 'string') return cap(l + r)
          if (typeof l === 'number' && typeof r === 'number') return l + r
          if (Array.isArray(l) && Array.isArray(r)) return [...(l as Val[]), ...(r as Val[])]
          return UNKNOWN
        case '*':
          if (typeof l === 'string' && typeof r === 'number' && Number.isInteger(r))
            return r * l.length > MAX_STR ? UNKNOWN : l.repeat(Math.max(0, r))
          if (typeof r === 'string' && typeof l === 'number' && Number.isInteger(l))
            return l * r.length > MAX_STR ? UNKNOWN : r.repeat(Math.max(0, l))
          if (typeof l === 'number' && typeof r === 'number') return l * r
          return UNKNOWN
        case '%':
          if (typeof l === 'string') return percent(l, Array.isArray(r) ? (r as Val[]) : [r])
          return typeof l === 'number' && typeof r === 'number' && r !== 0 ? l % r : UNKNOWN
        case '-':
          return typeof l === 'number' && typeof r === 'number' ? l - r : UNKNOWN
        default:
          return UNKNOWN
      }
    }
    case 'un': {
      const e = f(n.e)
      if (n.op === '-' && typeof e === 'number') return -e
      return UNKNOWN
    }
    case 'cond': {
      const t = f(n.test)
      if (t === UNKNOWN) return UNKNOWN
      return t ? f(n.a) : n.b ? f(n.b) : UNKNOWN
    }
    case 'list': {
      const items = n.items.map(f)
      return known(items) ? items : UNKNOWN
    }
    case 'dict': {
      const m = new Map<string, Val>()
      for (const [k, v] of n.pairs) {
        const kk = f(k)
        const vv = f(v)
        if (typeof kk !== 'string' || vv === UNKNOWN) return UNKNOWN
        m.set(kk, vv)
      }
      return m
    }
    case 'test':
      return UNKNOWN
  }
}
