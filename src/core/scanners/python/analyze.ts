import type { PyBehaviour } from './behaviours'
import {
  CREDENTIAL_PATH,
  DECODERS,
  EXACT_BEHAVIOUR,
  IMPORTERS,
  INTERNAL_ATTRS,
  MODULE_BEHAVIOUR,
  PATH_METHOD_WRITERS,
  PATH_WRITERS,
  PAYLOAD_MIN_CHARS,
  PERSISTENCE_PATH,
  PY_BUILTINS,
  SECRET_ENV,
} from './behaviours'
import type { PyToken } from './tokenize'
import { tokenizePython } from './tokenize'

/** One dangerous behaviour found in a file: where, what was called, and why it matters. */
export type PyHit = Readonly<{
  behaviour: PyBehaviour
  severity: 'critical' | 'high'
  line: number
  /** The resolved callable (`os.system`) or attribute path. */
  call: string
  detail: string
}>

/** A call site as written (`torch.ops.aten.add`) and, when imports resolve it, as resolved. */
export type PyCall = Readonly<{ raw: string; resolved?: string; line: number }>

export type PyAnalysis = Readonly<{
  /** Absolute modules imported (`os`, `torch.nn`). */
  imports: readonly string[]
  /** Relative modules imported (`.configuration_foo`, `..utils`): files of the same repository. */
  relativeImports: readonly string[]
  calls: readonly PyCall[]
  hits: readonly PyHit[]
  /** True when the token cap stopped the reader early (the file was not read to its end). */
  truncated: boolean
}>

const KEYWORDS = new Set([
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'None',
  'True',
  'False',
])

const MAX_HITS = 200
const MAX_CALLS = 20_000
/** Expression nesting the evaluator follows (deeper input is still scanned token by token). */
const MAX_NESTING = 64

/** A value the reader could work out: a resolved dotted name, a string, or a Path of a literal. */
type Val = { name?: string; raw?: string; literal?: string; pathArg?: string }
type Arg = { kw?: string; val?: Val; from: number; to: number }

function moduleBehaviour(name: string): PyBehaviour | undefined {
  for (const [m, b] of MODULE_BEHAVIOUR) if (name === m || name.startsWith(`${m}.`)) return b
  return undefined
}

/** True for paths outside a model repository: absolute, home-relative, or climbing out. */
function outsideRepo(p: string): boolean {
  return (
    p.startsWith('/') ||
    p.startsWith('~') ||
    /^[A-Za-z]:[\\/]/.test(p) ||
    p.startsWith('\\\\') ||
    p.split(/[\\/]/).includes('..') ||
    /^\$(HOME|\{HOME\})/.test(p)
  )
}

/**
 * Reads Python source statically: follows imports and simple aliases (`s = os.system`,
 * `getattr(os, 'sys' + 'tem')`, `__import__('os')`), folds string constants, and reports calls
 * that start processes, run code, import by computed name, reach the network or native
 * libraries, write outside the repository, read credentials, or decode embedded payloads.
 * Flow-insensitive and conservative; never runs anything, never throws.
 */
export function analyzePython(source: string): PyAnalysis {
  const toks = tokenizePython(source)
  const n = toks.length
  const match = new Int32Array(n).fill(-1)
  {
    const stack: number[] = []
    for (let i = 0; i < n; i++) {
      const v = toks[i]!.type === 'op' ? toks[i]!.value : ''
      if (v === '(' || v === '[' || v === '{') stack.push(i)
      else if ((v === ')' || v === ']' || v === '}') && stack.length) match[stack.pop()!] = i
    }
  }
  const closeOf = (k: number): number => match[k] ?? -1
  const aliases = new Map<string, string>()
  const defined = new Set<string>()
  const stars: string[] = []
  const imports = new Set<string>()
  const relative = new Set<string>()
  const calls: PyCall[] = []
  const hits: PyHit[] = []
  const seen = new Set<string>()
  let nesting = 0

  const tok = (i: number): PyToken | undefined => toks[i]
  const isOp = (i: number, v: string): boolean => toks[i]?.type === 'op' && toks[i]!.value === v
  const isName = (i: number, v?: string): boolean =>
    toks[i]?.type === 'name' && (v === undefined || toks[i]!.value === v)

  const hit = (behaviour: PyBehaviour, line: number, call: string, detail: string): void => {
    const severity: 'critical' | 'high' =
      behaviour === 'process' || behaviour === 'exec' || behaviour === 'internals'
        ? 'critical'
        : (behaviour === 'file-write' && PERSISTENCE_PATH.test(detail)) ||
            (behaviour === 'credential' && CREDENTIAL_PATH.test(detail))
          ? 'critical'
          : 'high'
    const key = `${behaviour}\0${call}\0${line}`
    if (seen.has(key) || hits.length >= MAX_HITS) return
    seen.add(key)
    hits.push({ behaviour, severity, line, call, detail })
  }

  // ---- pass 1: imports, definitions, aliases --------------------------------------------
  const readDotted = (i: number): { text: string; end: number } => {
    let text = ''
    let j = i
    while (isOp(j, '.') || isOp(j, '...')) text += toks[j++]!.value
    if (isName(j) && !isName(j, 'import')) {
      text += toks[j++]!.value
      while (isOp(j, '.') && isName(j + 1)) {
        text += `.${toks[j + 1]!.value}`
        j += 2
      }
    }
    return { text, end: j }
  }
  /** Tokens of import statements: pass 2 does not read them as expressions. */
  const skip = new Uint8Array(n)
  const bindImport = (local: string, target: string): void => {
    aliases.set(local, target)
    defined.delete(local)
  }
  for (let i = 0; i < n; i++) {
    const t = toks[i]!
    if (t.type !== 'name') continue
    const prev = tok(i - 1)
    const atStmt =
      !prev ||
      prev.type === 'newline' ||
      (prev.type === 'op' && prev.value === ':') ||
      (prev.type === 'op' && prev.value === ';')
    if (t.value === 'from' && atStmt) {
      const mod = readDotted(i + 1)
      if (!isName(mod.end, 'import')) continue
      const isRel = mod.text.startsWith('.')
      if (isRel) relative.add(mod.text)
      else if (mod.text) imports.add(mod.text)
      let j = mod.end + 1
      const paren = isOp(j, '(')
      if (paren) j++
      for (; j < n && toks[j]!.type !== 'newline'; j++) {
        if (isOp(j, '*')) {
          if (!isRel) stars.push(mod.text)
          continue
        }
        if (!isName(j)) continue
        const name = toks[j]!.value
        let local = name
        if (isName(j + 1, 'as') && isName(j + 2)) {
          local = toks[j + 2]!.value
          j += 2
        }
        const full = mod.text.endsWith('.') ? `${mod.text}${name}` : `${mod.text}.${name}`
        if (isRel) relative.add(full)
        bindImport(local, full)
      }
      skip.fill(1, i, Math.min(n, j + 1))
      i = j
      continue
    }
    if (t.value === 'import' && atStmt) {
      let j = i + 1
      while (j < n && toks[j]!.type !== 'newline') {
        const d = readDotted(j)
        if (!d.text) {
          j++
          continue
        }
        imports.add(d.text)
        j = d.end
        if (isName(j, 'as') && isName(j + 1)) {
          bindImport(toks[j + 1]!.value, d.text)
          j += 2
        } else {
          const root = d.text.split('.')[0]!
          bindImport(root, root)
        }
        if (isOp(j, ',')) j++
        else break
      }
      skip.fill(1, i, Math.min(n, j))
      i = j - 1
      continue
    }
    if ((t.value === 'def' || t.value === 'class') && isName(i + 1)) {
      const name = toks[i + 1]!.value
      if (!aliases.has(name)) defined.add(name)
      continue
    }
    // Simple aliasing at statement start: `NAME = <primary>`.
    if (atStmt && isOp(i + 1, '=') && !KEYWORDS.has(t.value)) {
      const r = evalExpr(i + 2, endOfLine(i + 2))
      if (r?.name && !r.name.startsWith('?')) {
        aliases.set(t.value, r.name)
        defined.delete(t.value)
      } else if (!aliases.has(t.value)) defined.add(t.value)
    }
  }

  // ---- pass 2: every primary expression ---------------------------------------------------
  for (let i = 0; i < n && calls.length < MAX_CALLS; i++) {
    const t = toks[i]!
    if (t.type === 'string') {
      if (CREDENTIAL_PATH.test(t.value)) {
        hit('credential', t.line, 'string', `names the credential store ${short(t.value)}`)
      }
      continue
    }
    if (t.type !== 'name' || KEYWORDS.has(t.value) || skip[i]) continue
    if (isOp(i - 1, '.')) continue
    // Assignment targets are not reads (`fn = os.system` is reported on its right-hand side).
    if (isOp(i + 1, '=') && (!tok(i - 1) || tok(i - 1)!.type === 'newline' || isOp(i - 1, ',')))
      continue
    if (t.value === '__builtins__') {
      hit('internals', t.line, '__builtins__', 'reaches the builtins module through __builtins__')
    }
    // Python 2 `exec "code"` statement.
    if (t.value === 'exec' && tok(i + 1)?.type === 'string' && !defined.has('exec')) {
      hit('exec', t.line, 'builtins.exec', 'runs code given as a string (exec statement)')
      continue
    }
    evalPrimary(i, true)
  }

  // A credential path named in a literal is reported once per line, by the call that uses it.
  const callCredLines = new Set(
    hits.filter((h) => h.behaviour === 'credential' && h.call !== 'string').map((h) => h.line),
  )
  const kept = hits.filter((h) => h.call !== 'string' || !callCredLines.has(h.line))
  return {
    imports: [...imports],
    relativeImports: [...relative],
    calls,
    hits: kept,
    truncated: n >= 2_000_000,
  }

  // ---- helpers (hoisted) ------------------------------------------------------------------

  function endOfLine(i: number): number {
    let j = i
    while (j < n && toks[j]!.type !== 'newline') j++
    return j
  }

  function resolveName(name: string): Val {
    const a = aliases.get(name)
    if (a !== undefined) return { name: a, raw: name }
    if (PY_BUILTINS.has(name) && !defined.has(name)) return { name: `builtins.${name}`, raw: name }
    if (name === '__builtins__') return { name: 'builtins', raw: name }
    if (!defined.has(name)) {
      for (const m of stars) {
        const full = `${m}.${name}`
        if (EXACT_BEHAVIOUR.has(full) || moduleBehaviour(full)) return { name: full, raw: name }
      }
    }
    return { raw: name }
  }

  /** Splits the tokens of a call's parentheses into arguments. */
  function splitArgs(open: number, close: number): Arg[] {
    const args: Arg[] = []
    let start = open + 1
    for (let j = open + 1; j <= close; j++) {
      const v = toks[j]!
      if (v.type === 'op' && (v.value === '(' || v.value === '[' || v.value === '{')) {
        j = closeOf(j) >= 0 ? closeOf(j) : j
        continue
      }
      if (j === close || (v.type === 'op' && v.value === ',')) {
        if (j > start) {
          let from = start
          let kw: string | undefined
          if (isName(from) && isOp(from + 1, '=')) {
            kw = toks[from]!.value
            from += 2
          }
          args.push({ kw, val: evalExpr(from, j), from, to: j })
        }
        start = j + 1
      }
    }
    return args
  }

  /** Folds `a + b + ...` of literals, or returns the single primary's value. */
  function evalExpr(from: number, to: number): Val | undefined {
    if (from >= to) return undefined
    const parts: Val[] = []
    let j = from
    while (j < to) {
      const r = evalPrimary(j, false)
      if (!r || r.end > to) return undefined
      parts.push(r.val)
      j = r.end
      if (j < to) {
        if (!isOp(j, '+')) return undefined
        j++
      }
    }
    if (parts.length === 1) return parts[0]
    if (parts.every((p) => p.literal !== undefined))
      return { literal: parts.map((p) => p.literal).join('') }
    return undefined
  }

  /**
   * Evaluates one primary (atom + trailers) starting at `i`. With `record`, calls and dangerous
   * references along the chain are recorded (nested expressions record themselves when the
   * outer scan reaches them).
   */
  function evalPrimary(i: number, record: boolean): { val: Val; end: number } | undefined {
    const t = toks[i]
    if (!t || nesting > MAX_NESTING) return undefined
    nesting++
    try {
      return evalPrimaryAt(i, t, record)
    } finally {
      nesting--
    }
  }

  function evalPrimaryAt(
    i: number,
    t: PyToken,
    record: boolean,
  ): { val: Val; end: number } | undefined {
    let val: Val
    let j = i + 1
    if (t.type === 'name') {
      if (KEYWORDS.has(t.value)) return undefined
      val = resolveName(t.value)
    } else if (t.type === 'string') {
      let lit = t.value
      // Implicit concatenation of adjacent literals.
      while (tok(j)?.type === 'string') lit += toks[j++]!.value
      val = { literal: lit }
    } else if (t.type === 'number') {
      val = {}
    } else if (isOp(i, '(') && closeOf(i) > i) {
      val = evalExpr(i + 1, closeOf(i)) ?? {}
      j = closeOf(i) + 1
    } else if ((isOp(i, '[') || isOp(i, '{')) && closeOf(i) > i) {
      // List of literals (for ''.join([...])).
      const items = splitArgs(i, closeOf(i))
      val = items.every((a) => a.val?.literal !== undefined)
        ? { literal: items.map((a) => a.val!.literal).join('\u0000') }
        : {}
      j = closeOf(i) + 1
    } else return undefined
    let called = false
    for (;;) {
      if (isOp(j, '.') && isName(j + 1)) {
        const attr = toks[j + 1]!.value
        if (INTERNAL_ATTRS.has(attr) && record) {
          hit(
            'internals',
            toks[j + 1]!.line,
            `${val.name ?? val.raw ?? '?'}.${attr}`,
            `reaches interpreter internals through ${attr}`,
          )
        }
        if (val.literal !== undefined) {
          val = { literal: val.literal, raw: `str.${attr}` }
        } else {
          val = {
            name: val.name !== undefined ? `${val.name}.${attr}` : undefined,
            raw: val.raw !== undefined ? `${val.raw}.${attr}` : undefined,
            pathArg: val.pathArg !== undefined ? val.pathArg : undefined,
          }
          if (val.pathArg !== undefined && !PATH_METHOD_WRITERS.has(attr)) val.pathArg = undefined
          if (val.pathArg !== undefined) val.raw = `pathlib.Path.${attr}`
        }
        called = false
        j += 2
        continue
      }
      if (isOp(j, '(') && closeOf(j) > j) {
        const args = splitArgs(j, closeOf(j))
        const line = toks[j]!.line
        if (record) onCall(val, args, line)
        val = callResult(val, args)
        called = true
        j = closeOf(j) + 1
        continue
      }
      if (isOp(j, '[') && closeOf(j) > j) {
        const key = evalExpr(j + 1, closeOf(j))
        const line = toks[j]!.line
        const reversal =
          closeOf(j) === j + 5 &&
          isOp(j + 1, ':') &&
          isOp(j + 2, ':') &&
          isOp(j + 3, '-') &&
          toks[j + 4]!.value === '1'
        val = subscript(val, key, line, record, reversal)
        called = false
        j = closeOf(j) + 1
        continue
      }
      break
    }
    if (record && !called && val.name !== undefined) {
      const b = EXACT_BEHAVIOUR.get(val.name)
      if (b === 'process' || b === 'exec')
        hit(b, t.line, val.name, `passes ${val.name} around as a value`)
      if (val.name === 'os.environ' && isOp(j, ')') === false) {
        // os.environ handed whole to something (`json.dumps(os.environ)`) is checked at the call.
      }
    }
    return { val, end: j }
  }

  function subscript(
    val: Val,
    key: Val | undefined,
    line: number,
    record: boolean,
    reversal: boolean,
  ): Val {
    const k = key?.literal
    if (val.literal !== undefined) {
      // `'metsys'[::-1]`: the one slice obfuscation worth folding; other subscripts are unknown.
      return reversal ? { literal: [...val.literal].reverse().join('') } : {}
    }
    if (val.name === 'os.environ' || val.name === 'os.environb') {
      if (record && k !== undefined && SECRET_ENV.test(k))
        hit('credential', line, `os.environ[${JSON.stringify(k)}]`, `reads the secret ${k}`)
      return {}
    }
    if (val.name === 'sys.modules' && k !== undefined) return { name: k }
    if ((val.name === 'builtins' || val.name === 'builtins.globals()') && k !== undefined)
      return { name: k === '__builtins__' ? 'builtins' : `builtins.${k}` }
    if (val.name === 'builtins.vars()' && k !== undefined) return { name: `builtins.${k}` }
    return {}
  }

  /** What a call evaluates to, where the reader can tell. */
  function callResult(val: Val, args: Arg[]): Val {
    const name = val.name
    const a0 = args.find((a) => a.kw === undefined)?.val
    const a1 = args.filter((a) => a.kw === undefined)[1]?.val
    if (name && IMPORTERS.has(name) && a0?.literal !== undefined) return { name: a0.literal }
    if (name === 'builtins.getattr' && a0 && a1?.literal !== undefined) {
      const base = a0.name ?? (a0.raw !== undefined ? undefined : undefined)
      if (base !== undefined) return { name: `${base}.${a1.literal}` }
      return { raw: `?.${a1.literal}` }
    }
    if (name === 'builtins.globals' || name === 'builtins.locals')
      return { name: 'builtins.globals()' }
    if (name === 'builtins.vars' && args.length === 0) return { name: 'builtins.vars()' }
    if (name === 'pathlib.Path' || name === 'pathlib.PosixPath' || name === 'pathlib.WindowsPath')
      return a0?.literal !== undefined ? { raw: 'pathlib.Path()', pathArg: a0.literal } : {}
    if (name === 'os.path.expanduser' || name === 'os.path.expandvars')
      return a0?.literal !== undefined ? { literal: a0.literal } : {}
    if (name === 'os.path.join' && args.every((a) => a.val?.literal !== undefined))
      return { literal: args.map((a) => a.val!.literal).join('/') }
    if (val.raw === 'str.join' && a0?.literal !== undefined && val.literal !== undefined)
      return { literal: a0.literal.split('\u0000').join(val.literal) }
    if (val.raw === 'str.replace' && val.literal !== undefined) {
      if (a0?.literal !== undefined && a1?.literal !== undefined)
        return { literal: val.literal.split(a0.literal).join(a1.literal) }
    }
    if (
      val.literal !== undefined &&
      ['str.lower', 'str.upper', 'str.strip', 'str.decode', 'str.encode'].includes(val.raw ?? '')
    ) {
      const m = val.raw!.slice(4)
      return {
        literal:
          m === 'lower'
            ? val.literal.toLowerCase()
            : m === 'upper'
              ? val.literal.toUpperCase()
              : m === 'strip'
                ? val.literal.trim()
                : val.literal,
      }
    }
    if (name === 'builtins.bytes' && a0?.literal !== undefined) return { literal: a0.literal }
    return name !== undefined ? { name: `${name}()` } : {}
  }

  function onCall(val: Val, args: Arg[], line: number): void {
    const name = val.name
    if (calls.length < MAX_CALLS) calls.push({ raw: val.raw ?? name ?? '?', resolved: name, line })
    const positional = args.filter((a) => a.kw === undefined)
    const a0 = positional[0]?.val
    const a1 = positional[1]?.val
    if (val.pathArg !== undefined && val.raw?.startsWith('pathlib.Path.')) {
      if (outsideRepo(val.pathArg))
        hit('file-write', line, val.raw, `changes ${short(val.pathArg)} outside the repository`)
      return
    }
    if (name === undefined) return
    const exact = EXACT_BEHAVIOUR.get(name)
    if (exact === 'dynamic-import' && IMPORTERS.has(name)) {
      if (a0?.literal === undefined) {
        hit('dynamic-import', line, name, 'imports a module whose name is computed at run time')
      } else {
        const mod = a0.literal
        const b = moduleBehaviour(mod)
        if (b) hit(b, line, name, `imports ${mod} by name`)
      }
      return
    }
    if (exact) {
      hit(exact, line, name, describe(exact, name, a0))
      return
    }
    const mod = moduleBehaviour(name)
    if (mod) {
      hit(mod, line, name, describe(mod, name, a0))
      return
    }
    if (name === 'builtins.getattr' && a1?.literal === undefined && a0?.name !== undefined) {
      const base = a0.name
      if (
        moduleBehaviour(base) ||
        ['os', 'builtins', 'sys', 'importlib', 'posix', 'nt'].includes(base)
      )
        hit('internals', line, `getattr(${base}, ?)`, `looks up a computed attribute of ${base}`)
      return
    }
    if (
      name === 'builtins.open' ||
      name === 'io.open' ||
      name === 'codecs.open' ||
      name === 'os.open'
    ) {
      const p = a0?.literal
      if (p === undefined) return
      const modeArg = a1 ?? args.find((a) => a.kw === 'mode')?.val
      const mode = modeArg?.literal ?? 'r'
      if (CREDENTIAL_PATH.test(p)) hit('credential', line, name, `opens ${short(p)}`)
      else if (/[wax+]/.test(mode) && outsideRepo(p))
        hit('file-write', line, name, `writes ${short(p)} outside the repository`)
      return
    }
    if (PATH_WRITERS.has(name)) {
      const p = a0?.literal ?? positional[1]?.val?.literal
      if (p !== undefined && outsideRepo(p))
        hit('file-write', line, name, `changes ${short(p)} outside the repository`)
      return
    }
    if (DECODERS.has(name)) {
      const lit = a0?.literal
      const codec = a1?.literal?.toLowerCase()
      if (
        name === 'codecs.decode' &&
        codec !== undefined &&
        !/base64|hex|zlib|bz2|rot|uu/.test(codec)
      )
        return
      if (lit !== undefined && lit.length >= PAYLOAD_MIN_CHARS)
        hit('encoded-payload', line, name, `decodes an embedded ${lit.length}-character payload`)
      return
    }
    if (name === 'os.getenv' || name === 'os.environ.get' || name === 'os.environ.pop') {
      const k = a0?.literal
      if (k !== undefined && SECRET_ENV.test(k))
        hit('credential', line, name, `reads the secret ${k}`)
      return
    }
    if (['os.environ.copy', 'os.environ.items', 'os.environ.values'].includes(name)) {
      hit('credential', line, name, 'reads the whole environment (every token and key in it)')
      return
    }
    if (
      positional.some((a) => a.val?.name === 'os.environ') &&
      !/^builtins\.(len|isinstance)$/.test(name)
    ) {
      hit('credential', line, name, 'hands the whole environment to another call')
    }
  }
}

function describe(b: PyBehaviour, name: string, a0: Val | undefined): string {
  const arg = a0?.literal !== undefined ? ` ${short(JSON.stringify(a0.literal))}` : ''
  switch (b) {
    case 'process':
      return `starts a process with ${name}${arg}`
    case 'exec':
      return `runs code built at run time with ${name}${arg}`
    case 'internals':
      return `reaches interpreter internals with ${name}`
    case 'dynamic-import':
      return `loads code from a path or computed name with ${name}${arg}`
    case 'network':
      return `opens a network connection with ${name}${arg}`
    case 'native':
      return `loads native code with ${name}${arg}`
    case 'file-write':
      return `writes files with ${name}${arg}`
    case 'credential':
      return `reads credentials with ${name}${arg}`
    case 'encoded-payload':
      return `decodes a payload with ${name}`
  }
}

function short(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s
}
