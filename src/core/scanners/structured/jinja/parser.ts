import type { Token } from './lexer'

/** Expression tree for static analysis (a subset of Jinja's grammar, enough to see every access). */
export type Node =
  | { k: 'lit'; v: Val }
  | { k: 'name'; id: string; at: number }
  | { k: 'attr'; obj: Node; name: string; at: number }
  | { k: 'item'; obj: Node; key: Node; at: number }
  | { k: 'slice'; obj: Node; a?: Node; b?: Node; c?: Node; at: number }
  | { k: 'call'; fn: Node; args: Node[]; kw: [string, Node][]; at: number }
  | { k: 'filter'; obj: Node; name: string; args: Node[]; kw: [string, Node][]; at: number }
  | { k: 'test'; obj: Node; name: string; args: Node[] }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'un'; op: string; e: Node }
  | { k: 'cond'; a: Node; test: Node; b?: Node }
  | { k: 'list'; items: Node[] }
  | { k: 'dict'; pairs: [Node, Node][] }

/** Constant values the folder can compute. */
export type Val = string | number | boolean | null | readonly Val[] | ReadonlyMap<string, Val>

export class ParseError extends Error {}

/** Deep nesting is rejected before it can exhaust the stack. */
const MAX_DEPTH = 120

const LITERALS: Readonly<Record<string, Val>> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
}

const STOP_WORDS = new Set([
  'if',
  'else',
  'in',
  'recursive',
  'as',
  'import',
  'with',
  'without',
  'context',
  'for',
  'not',
  'and',
  'or',
  'is',
])

/** Recursive-descent parser over one tag's tokens, starting at `pos`. */
export class ExprParser {
  pos: number
  private depth = 0

  constructor(
    private readonly toks: readonly Token[],
    start = 0,
  ) {
    this.pos = start
  }

  peek(o = 0): Token | undefined {
    return this.toks[this.pos + o]
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o)
    return t?.t === 'op' && t.v === v
  }
  isName(v: string, o = 0): boolean {
    const t = this.peek(o)
    return t?.t === 'name' && t.v === v
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected ${v}`)
    this.pos++
  }
  private stopWord(): boolean {
    const t = this.peek()
    return t?.t === 'name' && STOP_WORDS.has(t.v)
  }
  get done(): boolean {
    return this.pos >= this.toks.length
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError('expression nested too deeply')
  }

  /** A full expression, including `a if b else c` and bare tuples when `tuple` is set. */
  expr(tuple = false): Node {
    this.enter()
    try {
      const first = this.cond()
      if (!tuple || !this.isOp(',')) return first
      const items = [first]
      while (this.isOp(',')) {
        this.pos++
        if (this.done || this.isOp(')') || this.isOp('=') || this.stopWord()) break
        items.push(this.cond())
      }
      return { k: 'list', items }
    } finally {
      this.depth--
    }
  }

  private cond(): Node {
    const a = this.or()
    if (this.isName('if')) {
      this.pos++
      const test = this.or()
      if (this.isName('else')) {
        this.pos++
        this.enter()
        try {
          return { k: 'cond', a, test, b: this.cond() }
        } finally {
          this.depth--
        }
      }
      return { k: 'cond', a, test }
    }
    return a
  }
  private or(): Node {
    let l = this.and()
    while (this.isName('or')) {
      this.pos++
      l = { k: 'bin', op: 'or', l, r: this.and() }
    }
    return l
  }
  private and(): Node {
    let l = this.not()
    while (this.isName('and')) {
      this.pos++
      l = { k: 'bin', op: 'and', l, r: this.not() }
    }
    return l
  }
  private not(): Node {
    if (this.isName('not')) {
      this.pos++
      this.enter()
      try {
        return { k: 'un', op: 'not', e: this.not() }
      } finally {
        this.depth--
      }
    }
    return this.compare()
  }
  private compare(): Node {
    let l = this.add()
    for (;;) {
      const t = this.peek()
      if (t?.t === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) {
        this.pos++
        l = { k: 'bin', op: t.v, l, r: this.add() }
      } else if (this.isName('in')) {
        this.pos++
        l = { k: 'bin', op: 'in', l, r: this.add() }
      } else if (this.isName('not') && this.isName('in', 1)) {
        this.pos += 2
        l = { k: 'bin', op: 'not in', l, r: this.add() }
      } else return l
    }
  }
  private add(): Node {
    let l = this.concat()
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.peek() as { v: string }).v
      this.pos++
      l = { k: 'bin', op, l, r: this.concat() }
    }
    return l
  }
  private concat(): Node {
    let l = this.mul()
    while (this.isOp('~')) {
      this.pos++
      l = { k: 'bin', op: '~', l, r: this.mul() }
    }
    return l
  }
  private mul(): Node {
    let l = this.pow()
    for (;;) {
      const t = this.peek()
      if (t?.t === 'op' && ['*', '/', '//', '%'].includes(t.v)) {
        this.pos++
        l = { k: 'bin', op: t.v, l, r: this.pow() }
      } else return l
    }
  }
  private pow(): Node {
    let l = this.unary()
    while (this.isOp('**')) {
      this.pos++
      l = { k: 'bin', op: '**', l, r: this.unary() }
    }
    return l
  }
  private unary(): Node {
    if (this.isOp('-') || this.isOp('+')) {
      const op = (this.peek() as { v: string }).v
      this.pos++
      this.enter()
      try {
        return { k: 'un', op, e: this.unary() }
      } finally {
        this.depth--
      }
    }
    return this.filters(this.postfix(this.primary()))
  }

  private primary(): Node {
    const t = this.peek()
    if (!t) throw new ParseError('unexpected end of expression')
    this.pos++
    switch (t.t) {
      case 'str': {
        // Adjacent literals are concatenated by Jinja ('__cla' 'ss__').
        let v = t.v
        while (this.peek()?.t === 'str') v += (this.toks[this.pos++] as { v: string }).v
        return { k: 'lit', v }
      }
      case 'num':
        return { k: 'lit', v: t.v }
      case 'name':
        if (t.v in LITERALS) return { k: 'lit', v: LITERALS[t.v]! }
        return { k: 'name', id: t.v, at: t.at }
      case 'op':
        if (t.v === '(') {
          if (this.isOp(')')) {
            this.pos++
            return { k: 'list', items: [] }
          }
          const e = this.expr(true)
          this.expectOp(')')
          return e
        }
        if (t.v === '[') {
          const items: Node[] = []
          while (!this.isOp(']')) {
            items.push(this.expr())
            if (!this.isOp(',')) break
            this.pos++
          }
          this.expectOp(']')
          return { k: 'list', items }
        }
        if (t.v === '{') {
          const pairs: [Node, Node][] = []
          while (!this.isOp('}')) {
            const key = this.expr()
            this.expectOp(':')
            pairs.push([key, this.expr()])
            if (!this.isOp(',')) break
            this.pos++
          }
          this.expectOp('}')
          return { k: 'dict', pairs }
        }
    }
    throw new ParseError(`unexpected token ${JSON.stringify((t as { v: unknown }).v)}`)
  }

  private postfix(node: Node): Node {
    for (let n = node; ;) {
      const t = this.peek()
      if (t?.t !== 'op') return n
      if (t.v === '.') {
        const nt = this.peek(1)
        if (nt?.t === 'name' || nt?.t === 'num') {
          this.pos += 2
          n =
            nt.t === 'name'
              ? { k: 'attr', obj: n, name: nt.v, at: nt.at }
              : { k: 'item', obj: n, key: { k: 'lit', v: nt.v }, at: nt.at }
          continue
        }
        throw new ParseError('expected a name after "."')
      } else if (t.v === '[') {
        this.pos++
        n = this.subscript(n, t.at)
      } else if (t.v === '(') {
        this.pos++
        const { args, kw } = this.args()
        n = { k: 'call', fn: n, args, kw, at: t.at }
      } else return n
    }
  }

  private subscript(obj: Node, at: number): Node {
    const part = (): Node | undefined =>
      this.isOp(':') || this.isOp(']') ? undefined : this.expr()
    const a = part()
    if (this.isOp(']')) {
      this.pos++
      if (!a) throw new ParseError('empty subscript')
      return { k: 'item', obj, key: a, at }
    }
    this.expectOp(':')
    const b = part()
    let c: Node | undefined
    if (this.isOp(':')) {
      this.pos++
      c = part()
    }
    this.expectOp(']')
    return { k: 'slice', obj, a, b, c, at }
  }

  private args(): { args: Node[]; kw: [string, Node][] } {
    const args: Node[] = []
    const kw: [string, Node][] = []
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) this.pos++
      const t = this.peek()
      if (t?.t === 'name' && this.isOp('=', 1)) {
        this.pos += 2
        kw.push([t.v, this.expr()])
      } else args.push(this.expr())
      if (!this.isOp(',')) break
      this.pos++
    }
    this.expectOp(')')
    return { args, kw }
  }

  private filters(node: Node): Node {
    let n = node
    for (;;) {
      if (this.isOp('|')) {
        this.pos++
        n = this.filterCall(n)
      } else if (this.isName('is')) {
        this.pos++
        if (this.isName('not')) this.pos++
        const name = this.dottedName()
        const args: Node[] = []
        if (this.isOp('(')) {
          this.pos++
          args.push(...this.args().args)
        } else {
          const t = this.peek()
          if (t && (t.t === 'str' || t.t === 'num' || (t.t === 'name' && !STOP_WORDS.has(t.v)))) {
            args.push(this.postfix(this.primary()))
          }
        }
        n = { k: 'test', obj: n, name, args }
      } else return n
    }
  }

  private filterCall(obj: Node): Node {
    const at = this.peek()?.at ?? 0
    const name = this.dottedName()
    if (this.isOp('(')) {
      this.pos++
      const { args, kw } = this.args()
      return { k: 'filter', obj, name, args, kw, at }
    }
    return { k: 'filter', obj, name, args: [], kw: [], at }
  }

  private dottedName(): string {
    const t = this.peek()
    if (t?.t !== 'name') throw new ParseError('expected a filter or test name')
    this.pos++
    let name = t.v
    while (this.isOp('.') && this.peek(1)?.t === 'name') {
      name += '.' + (this.peek(1) as { v: string }).v
      this.pos += 2
    }
    return name
  }
}
