import type { Env, Folded } from './fold'
import { fold, UNKNOWN } from './fold'
import type { Token } from './lexer'
import type { Node } from './parser'
import { ExprParser, ParseError } from './parser'
import { Scope } from './scope'

export { GADGET_ROOTS } from './scope'

/** Names that, once reached from a gadget root, mean code execution or module access. */
const DANGER_WORDS = new Set([
  'os',
  'sys',
  'popen',
  'system',
  'subprocess',
  'eval',
  'exec',
  'import',
  'import_module',
  'importlib',
  'builtins',
  'check_output',
  'spawn',
  'getoutput',
  'modules',
  'application',
  'environ',
  'func_globals',
])

/** Filters whose arguments name attributes to read (`map(attribute=...)`, `selectattr('x')`). */
const ATTRIBUTE_FILTERS = new Set([
  'attr',
  'map',
  'selectattr',
  'rejectattr',
  'sort',
  'groupby',
  'sum',
  'unique',
  'min',
  'max',
  'dictsort',
])

/** Filters whose first positional argument is an attribute name. */
const ATTRIBUTE_FIRST_ARG = new Set(['selectattr', 'rejectattr', 'groupby'])

/** Statements that load other templates. */
export const LOADING_STATEMENTS = new Set(['include', 'import', 'from', 'extends'])

/** Findings per template are capped: one is enough to condemn it. */
const MAX_FINDINGS = 20
/** Expression nodes visited over one template before the analysis stops. */
const MAX_NODES = 2_000_000
/** Characters of folded constants the {% set %} environment may hold. */
const MAX_ENV_CHARS = 8_000_000
const MAX_ENV_ENTRIES = 50_000
/** Deeper expressions are checked token by token and reported as not fully analysed. */
const MAX_VISIT_DEPTH = 300

/** Approximate characters a folded value holds (bounded walk). */
function weight(v: Folded, depth = 0): number {
  if (typeof v === 'string') return v.length + 16
  if (depth > 8) return 16
  if (Array.isArray(v))
    return (v as Folded[]).reduce<number>((n, x) => n + weight(x, depth + 1), 16)
  if (v instanceof Map) {
    let n = 16
    for (const [k, x] of v) n += k.length + weight(x, depth + 1)
    return n
  }
  return 16
}

export type TemplateFinding = Readonly<{
  kind:
    | 'injection'
    | 'dynamic-attribute'
    | 'template-loading'
    | 'syntax-error'
    | 'unanalyzable'
    | 'not-fully-analysed'
  message: string
  offset?: number
}>

/** `__class__`, `__globals__`, ...: any dunder, and name-mangled privates like `_TemplateReference__context`. */
export function isDangerousName(name: string): boolean {
  const s = name.trim()
  return /^__\w+__$/.test(s) || /^_[A-Za-z]\w*__\w+$/.test(s)
}

/** Collects findings while expressions are visited; holds the {% set %} environment. */
export class Analyzer {
  readonly out: TemplateFinding[] = []
  private readonly seen = new Set<string>()
  readonly env: Env = new Map()
  readonly scope = new Scope(this.env)
  private envChars = 0
  private nodes = 0
  /** Set when the node budget ran out: the caller stops. */
  overBudget = false
  /** Set when an expression was nested past MAX_VISIT_DEPTH. */
  private tooDeep = false

  /** Binds a {% set %} name; past the environment's budget the value is unknown. */
  bind(name: string, value: Folded): void {
    const w = weight(value)
    if (this.envChars + w > MAX_ENV_CHARS || this.env.size >= MAX_ENV_ENTRIES) {
      this.env.set(name, UNKNOWN)
      return
    }
    this.envChars += w
    this.env.set(name, value)
  }

  add(kind: TemplateFinding['kind'], message: string, offset?: number): void {
    const key = `${kind}:${message}`
    if (this.seen.has(key) || this.out.length >= MAX_FINDINGS) return
    this.seen.add(key)
    this.out.push({ kind, message, offset })
  }

  private checkName(value: Folded, how: string, at: number): void {
    if (typeof value !== 'string') return
    for (const part of value.split('.')) {
      if (isDangerousName(part))
        this.add('injection', `template reads ${JSON.stringify(part.trim())} through ${how}`, at)
    }
  }

  /** Reports a walk from a gadget object (or an alias of one) to a dangerous name. */
  private checkGadget(n: Node, at: number): void {
    const g = this.scope.gadgetOf(n)
    const hit = g?.path.find((p) => DANGER_WORDS.has(p.toLowerCase()) || isDangerousName(p))
    if (g && hit)
      this.add(
        'injection',
        `template walks from gadget object ${g.root} to ${JSON.stringify(hit)}`,
        at,
      )
  }

  /** A gadget object handed to a macro or method: inside, it is a parameter the checks lose. */
  private checkGadgetArgument(arg: Node, at: number): void {
    const g = this.scope.gadgetOf(arg)
    if (g) this.add('dynamic-attribute', `template passes gadget object ${g.root} to a call`, at)
  }

  /**
   * A key or attribute name the analysis cannot fold. jinja2's getitem falls back to getattr
   * for string keys, so a key the template builds from pieces can name `__init__` or
   * `__globals__`; context data (message['role'], a loop over a dict's keys) and numbers are
   * what real chat templates use, except on gadget objects and literals.
   */
  private checkComputedName(obj: Node, key: Node, at: number, how: string): void {
    const kind = this.scope.kindOf(key, (v) => this.checkName(v, how, at))
    if (kind === 'choice' || (kind === 'num' && !this.scope.gadgetOf(obj))) return
    const onLiteral = obj.k === 'lit' || obj.k === 'list' || obj.k === 'dict'
    if (kind === 'built' || onLiteral || this.scope.gadgetOf(obj)) {
      this.add(
        'dynamic-attribute',
        kind === 'built'
          ? `template reads ${how} with a name it builds from parts that cannot be computed statically`
          : `template reads ${how} of a literal or gadget object with a computed name`,
        at,
      )
    }
  }

  /** Visits every node of an expression, checking each access. */
  visit(n: Node, depth = 0): void {
    if (depth > MAX_VISIT_DEPTH) {
      this.tooDeep = true
      return
    }
    if (++this.nodes > MAX_NODES) {
      this.overBudget = true
      return
    }
    const v = (x: Node | undefined): void => {
      if (x) this.visit(x, depth + 1)
    }
    switch (n.k) {
      case 'lit':
        // A dunder name as a plain string has no use in a chat template except to be looked up.
        if (typeof n.v === 'string' && isDangerousName(n.v)) {
          this.add('injection', `template uses the string ${JSON.stringify(n.v.trim())}`)
        }
        // str.format fields can read attributes: '{0.__class__}'.format(x).
        if (
          typeof n.v === 'string' &&
          /\{[^{}]*(\.|\[)_{1,2}\w+_{0,2}[^{}]*\}/.test(n.v) &&
          /\{[^{}]*__\w+/.test(n.v)
        ) {
          this.add('injection', 'template has a str.format field that reads a dunder attribute')
        }
        return
      case 'name':
        if (isDangerousName(n.id)) this.add('injection', `template uses the name ${n.id}`, n.at)
        return
      case 'attr':
        if (isDangerousName(n.name))
          this.add('injection', `template reads attribute ${n.name} with "."`, n.at)
        this.checkGadget(n, n.at)
        return v(n.obj)
      case 'item': {
        const key = fold(n.key, this.env)
        this.checkName(key, 'a subscript [...]', n.at)
        if (key === UNKNOWN) this.checkComputedName(n.obj, n.key, n.at, 'a subscript [...]')
        this.checkGadget(n, n.at)
        v(n.obj)
        return v(n.key)
      }
      case 'slice':
        v(n.obj)
        v(n.a)
        v(n.b)
        return v(n.c)
      case 'call':
        v(n.fn)
        // Arguments built from pieces (macro calls, method calls) are folded and checked too.
        for (const a of [...n.args, ...n.kw.map(([, x]) => x)]) {
          this.checkName(fold(a, this.env), 'a call argument', n.at)
          this.checkGadgetArgument(a, n.at)
        }
        n.args.forEach(v)
        n.kw.forEach(([, x]) => v(x))
        return
      case 'filter': {
        if (ATTRIBUTE_FILTERS.has(n.name)) {
          const named = [...n.args, ...n.kw.filter(([k]) => k === 'attribute').map(([, x]) => x)]
          for (const a of named) {
            const val = fold(a, this.env)
            this.checkName(val, `the |${n.name} filter`, n.at)
            if (n.name === 'attr' && typeof val !== 'string') {
              this.add(
                'dynamic-attribute',
                'template uses |attr with a name that cannot be computed statically',
                n.at,
              )
            }
          }
          if (n.name === 'attr') this.checkGadget(n, n.at)
          // The attribute these filters read, when the template builds it from parts.
          const attrArg =
            n.kw.find(([k]) => k === 'attribute')?.[1] ??
            (ATTRIBUTE_FIRST_ARG.has(n.name) ? n.args[0] : undefined)
          if (n.name !== 'attr' && attrArg && fold(attrArg, this.env) === UNKNOWN)
            this.checkComputedName(n.obj, attrArg, n.at, `the |${n.name} filter`)
        }
        v(n.obj)
        n.args.forEach(v)
        n.kw.forEach(([, x]) => v(x))
        return
      }
      case 'test':
        v(n.obj)
        n.args.forEach(v)
        return
      case 'bin':
        v(n.l)
        return v(n.r)
      case 'un':
        return v(n.e)
      case 'cond':
        v(n.a)
        v(n.test)
        return v(n.b)
      case 'list':
        n.items.forEach(v)
        return
      case 'dict':
        n.pairs.forEach(([a, b]) => {
          v(a)
          v(b)
        })
        return
    }
  }

  /** Token-level fallback for tags the parser cannot read: any dunder name or string is flagged. */
  scanTokens(tokens: readonly Token[]): void {
    for (const t of tokens) {
      if ((t.t === 'name' || t.t === 'str') && isDangerousName(t.v)) {
        this.add(
          'injection',
          `template mentions ${JSON.stringify(t.v.trim())} in an expression`,
          t.at,
        )
      }
    }
  }

  /** Parses and checks every expression in a token run, skipping tokens it cannot start from. */
  expressions(tokens: readonly Token[], start: number): Node[] {
    const nodes: Node[] = []
    const p = new ExprParser(tokens, start)
    while (!p.done) {
      const before = p.pos
      try {
        const n = p.expr(true)
        nodes.push(n)
        this.tooDeep = false
        this.visit(n)
        if (this.tooDeep) {
          // The deep part was not visited: check its tokens, and say it was not fully analysed.
          this.add(
            'not-fully-analysed',
            `an expression is nested more than ${MAX_VISIT_DEPTH} levels deep; checked token by token`,
            tokens[before]?.at,
          )
          this.scanTokens(tokens.slice(before, p.pos))
        }
      } catch (e) {
        // RangeError: a shape deep enough to exhaust the stack despite the parser's own cap.
        if (!(e instanceof ParseError) && !(e instanceof RangeError)) throw e
        this.scanTokens(tokens.slice(before))
        return nodes
      }
      if (p.pos === before) p.pos++
      else if (!p.done) p.pos++ // separator or keyword (`in`, `=`, `as`, ...)
    }
    return nodes
  }
}
