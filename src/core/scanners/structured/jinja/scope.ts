import type { Env, Folded } from './fold'
import { fold, UNKNOWN } from './fold'
import type { Node, Val } from './parser'

/**
 * Objects a template can start from to reach Python internals (they are Python objects with
 * `__init__.__globals__` in Jinja or Flask environments).
 */
export const GADGET_ROOTS = new Set([
  'cycler',
  'joiner',
  'namespace',
  'lipsum',
  'self',
  'request',
  'config',
  'url_for',
  'get_flashed_messages',
  'range',
  'dict',
])

/** Gadget roots whose call result is plain data (a range, a dict, a Namespace of values, text). */
const PLAIN_RESULT = new Set([
  'range',
  'dict',
  'namespace',
  'lipsum',
  'url_for',
  'get_flashed_messages',
])

/**
 * What a key or attribute name can be, for the subscript check (jinja2's getitem falls back to
 * getattr for string keys, so a key is an attribute name):
 * - `num`: a number or boolean (loop.index0 - 1, |length): never a name;
 * - `choice`: one of a finite set of constants, each already checked;
 * - `data`: read from the render context (messages, tools, loop items) without the template
 *   adding characters;
 * - `built`: made by the template from pieces the analysis cannot fold (unfolded filters,
 *   concatenation with unknowns, special-token strings the model's own config supplies).
 */
export type Kind = 'num' | 'choice' | 'data' | 'built'
const RANK: Readonly<Record<Kind, number>> = { num: 0, choice: 1, data: 2, built: 3 }
const worst = (a: Kind, b: Kind): Kind => (RANK[a] >= RANK[b] ? a : b)

export type Gadget = Readonly<{ root: string; path: readonly string[] }>

/** Filters whose result is a number or boolean. */
const NUMERIC_FILTERS = new Set(['length', 'count', 'int', 'float', 'abs', 'round', 'wordcount'])
/** Filters that select, order or re-case context data without adding template characters. */
const PASS_FILTERS = new Set([
  'lower',
  'upper',
  'trim',
  'title',
  'capitalize',
  'string',
  'first',
  'last',
  'list',
  'items',
  'dictsort',
  'selectattr',
  'rejectattr',
  'select',
  'reject',
  'map',
  'sort',
  'unique',
  'reverse',
  'tojson',
  'safe',
  'e',
  'escape',
  'striptags',
  'groupby',
  'batch',
  'slice',
])
/** Methods on context data (dicts and strings) that return parts of it. */
const PASS_METHODS = new Set([
  'items',
  'keys',
  'values',
  'get',
  'strip',
  'lstrip',
  'rstrip',
  'split',
  'lower',
  'upper',
  'title',
])
const LOOP_NUMBERS = new Set([
  'index',
  'index0',
  'revindex',
  'revindex0',
  'length',
  'depth',
  'depth0',
  'first',
  'last',
])
/** Context strings that come from the model's own files (an attacker sets them with the template). */
const MODEL_STRINGS = /(^|_)tokens?$|^additional_special_tokens$/

/** Recursion bound of the classifiers; past it a key is `built` and a value no gadget. */
const MAX_DEPTH = 200
/** Path segments kept per alias (findings are raised when each segment is first read). */
const MAX_PATH = 64
/** Names tracked per template (aliases and kinds); past it the template is not fully analysed. */
export const MAX_SCOPE_NAMES = 50_000
/** Elements of a folded loop iterable checked for hidden names. */
const MAX_ELEMENTS = 10_000

/** Alias and provenance tracking for `{% set %}`, `{% for %}`, `{% with %}` and macro names. */
export class Scope {
  private readonly gadgets = new Map<string, Gadget>()
  private readonly kinds = new Map<string, Kind>()
  /** Set once a cap was hit: the caller reports the template as not fully analysed. */
  overflow = false

  constructor(private readonly env: Env) {}

  private shadowed(id: string): boolean {
    return this.env.has(id) && !this.gadgets.has(id)
  }

  private room(): boolean {
    if (this.gadgets.size + this.kinds.size < MAX_SCOPE_NAMES) return true
    this.overflow = true
    return false
  }

  /** The kind recorded for a name bound to values the analysis could not fold, if any. */
  kindFor(name: string): Kind | undefined {
    return this.kinds.get(name)
  }

  /** Binds a name (or `ns.attr`) to what an expression may hold. Gadget aliases are sticky:
   * a rebinding in a branch not taken must not clear them (the analysis is flow-insensitive). */
  bindTo(name: string, value: Node | undefined, kind?: Kind): void {
    if (!this.room()) return
    const g = value ? this.gadgetOf(value) : undefined
    if (g && !this.gadgets.has(name)) this.gadgets.set(name, g)
    const k = kind ?? (value ? this.kindOf(value) : 'built')
    const prev = this.kinds.get(name)
    this.kinds.set(name, prev ? worst(prev, k) : k)
  }

  /** Binds loop targets: an element of the iterable. */
  bindLoop(targets: readonly string[], iter: Node | undefined, onName: (v: string) => void): void {
    if (!iter) {
      for (const t of targets) this.bindTo(t, undefined, 'data')
      return
    }
    const folded = fold(iter, this.env)
    let kind: Kind
    if (folded !== UNKNOWN) {
      // Every element is a constant: check each once, then the loop variable is a safe choice.
      const stack: Val[] = [folded]
      for (let n = 0; stack.length > 0 && n < MAX_ELEMENTS; n++) {
        const v = stack.pop()!
        if (typeof v === 'string') onName(v)
        else if (Array.isArray(v)) stack.push(...(v as Val[]).slice(0, MAX_ELEMENTS))
        else if (v instanceof Map) stack.push(...[...v.keys()].slice(0, MAX_ELEMENTS))
      }
      // Past the cap the rest is unchecked: the caller reports the template not fully analysed.
      if (stack.length > 0) this.overflow = true
      kind = stack.length > 0 ? 'built' : 'choice'
    } else kind = this.kindOf(iter)
    for (const t of targets) this.bindTo(t, iter, kind)
  }

  /** The gadget object an expression may evaluate to (or contain), with the path read from it. */
  gadgetOf(n: Node, depth = 0): Gadget | undefined {
    if (depth > MAX_DEPTH) return undefined
    const g = (x: Node): Gadget | undefined => this.gadgetOf(x, depth + 1)
    const extend = (base: Gadget | undefined, seg: string): Gadget | undefined =>
      base && { root: base.root, path: [...base.path, seg].slice(-MAX_PATH) }
    const keyOf = (x: Node | undefined): string => {
      const k = x ? fold(x, this.env) : UNKNOWN
      return typeof k === 'string' ? k : '?'
    }
    switch (n.k) {
      case 'name':
        if (GADGET_ROOTS.has(n.id) && !this.shadowed(n.id)) return { root: n.id, path: [] }
        return this.gadgets.get(n.id)
      case 'attr':
        if (n.obj.k === 'name' && this.gadgets.has(`${n.obj.id}.${n.name}`))
          return this.gadgets.get(`${n.obj.id}.${n.name}`)
        return extend(g(n.obj), n.name)
      case 'item':
        return extend(g(n.obj), keyOf(n.key))
      case 'slice':
        return extend(g(n.obj), '?')
      case 'filter':
        if (n.name === 'attr') return extend(g(n.obj), keyOf(n.args[0]))
        if (NUMERIC_FILTERS.has(n.name) || n.name === 'string' || n.name === 'tojson')
          return undefined
        return g(n.obj) ?? n.args.map(g).find(Boolean)
      case 'call':
        if (n.fn.k === 'name' && PLAIN_RESULT.has(n.fn.id) && !this.shadowed(n.fn.id))
          return undefined
        return g(n.fn)
      case 'list':
        return n.items.map(g).find(Boolean)
      case 'dict':
        return n.pairs.map(([, v]) => g(v)).find(Boolean)
      case 'cond':
        return g(n.a) ?? (n.b ? g(n.b) : undefined)
      case 'bin':
        return n.op === 'and' || n.op === 'or' ? (g(n.l) ?? g(n.r)) : undefined
      default:
        return undefined
    }
  }

  /**
   * What a key expression can be (see Kind). A part that folds to a constant is handed to
   * `check` (for hidden names) and counts as a `choice`; the caller checks a fully folded key.
   */
  kindOf(n: Node, check: (v: Folded) => void = () => undefined, depth = 0): Kind {
    if (depth > MAX_DEPTH) return 'built'
    const folded = fold(n, this.env)
    if (folded !== UNKNOWN) {
      check(folded)
      return typeof folded === 'string' || Array.isArray(folded) || folded instanceof Map
        ? 'choice'
        : 'num'
    }
    // A part that folds is checked through `check` and is one fixed choice (see above).
    const k = (x: Node): Kind => this.kindOf(x, check, depth + 1)
    switch (n.k) {
      case 'name': {
        const bound = this.kinds.get(n.id)
        if (bound) return bound
        if (this.env.has(n.id)) return 'built'
        return MODEL_STRINGS.test(n.id) ? 'built' : 'data'
      }
      case 'attr': {
        if (n.obj.k === 'name') {
          const bound = this.kinds.get(`${n.obj.id}.${n.name}`)
          if (bound) return bound
          if (n.obj.id === 'loop' && !this.env.has('loop') && LOOP_NUMBERS.has(n.name)) return 'num'
        }
        return worst(k(n.obj), 'data')
      }
      case 'item':
      case 'slice': {
        const o = k(n.obj)
        // An unknown element of a constant sequence is a pick the template made: built.
        return o === 'choice' ? 'built' : worst(o, 'data')
      }
      case 'filter': {
        if (NUMERIC_FILTERS.has(n.name)) return 'num'
        const args = [...n.args, ...n.kw.map(([, x]) => x)].map(k)
        if (n.name === 'default' || n.name === 'd')
          return [k(n.obj), ...args].map((x): Kind => (x === 'num' ? 'choice' : x)).reduce(worst)
        if (!PASS_FILTERS.has(n.name) || args.some((a) => a === 'built')) return 'built'
        return worst(k(n.obj), 'data')
      }
      case 'call': {
        if (n.fn.k === 'name' && n.fn.id === 'range' && !this.env.has('range')) return 'num'
        if (n.fn.k === 'name' && (n.fn.id === 'namespace' || n.fn.id === 'dict')) return 'data'
        if (n.fn.k === 'name' && n.fn.id === 'strftime_now') return 'data'
        if (n.fn.k === 'attr' && PASS_METHODS.has(n.fn.name)) {
          const args = [...n.args, ...n.kw.map(([, x]) => x)].map(k)
          if (args.some((a) => a === 'built')) return 'built'
          return worst(k(n.fn.obj), 'data')
        }
        return 'built'
      }
      case 'bin': {
        if (['-', '/', '//', '**', '==', '!=', '<', '>', '<=', '>=', 'in', 'not in'].includes(n.op))
          return 'num'
        if (n.op === 'and' || n.op === 'or') return worst(k(n.l), k(n.r))
        const l = k(n.l)
        const r = k(n.r)
        if (l === 'num' && r === 'num') return 'num'
        // Text the template adds to unknown text can complete a hidden name.
        return (l === 'data' || l === 'num') && (r === 'data' || r === 'num') ? 'data' : 'built'
      }
      case 'un':
        return n.op === 'not' ? 'num' : k(n.e) === 'num' ? 'num' : 'built'
      case 'cond':
        return worst(k(n.a), n.b ? k(n.b) : 'num')
      case 'test':
        return 'num'
      case 'list':
        return n.items.map(k).reduce(worst, 'num')
      case 'dict':
        return n.pairs.map(([a, b]) => worst(k(a), k(b))).reduce(worst, 'num')
      default:
        return 'built'
    }
  }
}
