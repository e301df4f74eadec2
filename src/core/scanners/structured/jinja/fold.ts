import type { Node, Val } from './parser'

/** Marker for values that cannot be known without rendering. */
export const UNKNOWN: unique symbol = Symbol('unknown')
export type Folded = Val | typeof UNKNOWN

/** Names bound by `{% set %}` with the constant (or unknown) value they hold. */
export type Env = Map<string, Folded>

/** Folded strings are capped so `'a' * 10**9` cannot exhaust memory. */
const MAX_STR = 100_000

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

/** printf-style `%` formatting (`'%s%s' % (a, b)`, `|format`). */
function percent(fmt: string, args: readonly Val[]): Folded {
  let i = 0
  let bad = false
  const out = fmt.replace(/%([-#0 +]*\d*(?:\.\d+)?)([sdirca%])/g, (_m, _flags, conv: string) => {
    if (conv === '%') return '%'
    const a = args[i++]
    if (a === undefined) {
      bad = true
      return ''
    }
    if (conv === 'c')
      return typeof a === 'number' && a >= 0 && a <= 0x10ffff ? String.fromCodePoint(a) : str(a)
    return str(a)
  })
  return bad ? UNKNOWN : cap(out)
}

/** `'{}{}'.format(a, b)` / `'{0}'.format(a)`. */
function braceFormat(fmt: string, args: readonly Val[]): Folded {
  let auto = 0
  let bad = false
  const out = fmt.replace(/\{(\d*)\}/g, (_m, n: string) => {
    const a = args[n === '' ? auto++ : Number(n)]
    if (a === undefined) bad = true
    return a === undefined ? '' : str(a)
  })
  return bad ? UNKNOWN : cap(out)
}

function known(vals: readonly Folded[]): vals is Val[] {
  return vals.every((v) => v !== UNKNOWN)
}

function foldFilter(name: string, v: Folded, args: readonly Folded[]): Folded {
  if (v === UNKNOWN || !known(args)) return UNKNOWN
  const s = typeof v === 'string' ? v : undefined
  const list = Array.isArray(v) ? (v as readonly Val[]) : undefined
  switch (name) {
    case 'join': {
      const sep = args[0] === undefined ? '' : str(args[0])
      const items = list ?? (s !== undefined ? [...s] : undefined)
      return items ? cap(items.map(str).join(sep)) : UNKNOWN
    }
    case 'replace': {
      if (s === undefined || typeof args[0] !== 'string' || args[1] === undefined) return UNKNOWN
      return cap(args[0] === '' ? s : s.split(args[0]).join(str(args[1])))
    }
    case 'format':
      return s === undefined ? UNKNOWN : percent(s, args)
    case 'lower':
      return s?.toLowerCase() ?? UNKNOWN
    case 'upper':
      return s?.toUpperCase() ?? UNKNOWN
    case 'capitalize':
      return s === undefined ? UNKNOWN : s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()
    case 'trim':
      return s?.trim() ?? UNKNOWN
    case 'reverse':
      return s !== undefined ? [...s].reverse().join('') : list ? [...list].reverse() : UNKNOWN
    case 'string':
      return str(v)
    case 'list':
      return s !== undefined ? [...s] : (list ?? UNKNOWN)
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

function foldMethod(recv: Folded, name: string, args: readonly Folded[]): Folded {
  if (typeof recv !== 'string' || !known(args)) return UNKNOWN
  switch (name) {
    case 'join': {
      const items = args[0]
      if (Array.isArray(items)) return cap((items as Val[]).map(str).join(recv))
      return typeof items === 'string' ? cap([...items].join(recv)) : UNKNOWN
    }
    case 'replace':
      return typeof args[0] === 'string' && args[0] !== '' && args[1] !== undefined
        ? cap(recv.split(args[0]).join(str(args[1])))
        : UNKNOWN
    case 'format':
      return braceFormat(recv, args)
    case 'lower':
      return recv.toLowerCase()
    case 'upper':
      return recv.toUpperCase()
    case 'strip':
      return recv.trim()
    case 'lstrip':
      return recv.trimStart()
    case 'rstrip':
      return recv.trimEnd()
    case 'swapcase':
      return [...recv]
        .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
        .join('')
    case 'title':
    case 'capitalize':
      return recv.charAt(0).toUpperCase() + recv.slice(1).toLowerCase()
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
          return cap(str(l) + str(r))
        case '+':
          if (typeof l === 'string' && typeof r === 'string') return cap(l + r)
          if (typeof l === 'number' && typeof r === 'number') return l + r
          if (Array.isArray(l) && Array.isArray(r)) return [...(l as Val[]), ...(r as Val[])]
          return UNKNOWN
        case '*':
          if (typeof l === 'string' && typeof r === 'number')
            return r * l.length > MAX_STR || r < 0 ? UNKNOWN : l.repeat(r)
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
