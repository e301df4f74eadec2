import type { ModelFinding } from '../../types'
import { ScanCancelledError } from '../../types'
import type { TemplateFinding } from './checks'
import { Analyzer, GADGET_ROOTS, isDangerousName, LOADING_STATEMENTS } from './checks'
import type { Folded } from './fold'
import { fold, UNKNOWN } from './fold'
import type { LexLimits, Tag, Token } from './lexer'
import { chunksOf, TemplateLexer } from './lexer'
import type { Node } from './parser'
import { ExprParser, ParseError } from './parser'

export type { TemplateFinding } from './checks'
export { isDangerousName } from './checks'

function names(tokens: readonly Token[], from: number, to: number): string[] {
  const out: string[] = []
  for (let i = from; i < to; i++) {
    const t = tokens[i]!
    if (t.t === 'name') {
      const next = tokens[i + 1]
      if (next?.t === 'op' && next.v === '.' && tokens[i + 2]?.t === 'name') {
        out.push(`${t.v}.${(tokens[i + 2] as { v: string }).v}`)
        i += 2
      } else out.push(t.v)
    }
  }
  return out
}

/**
 * Binds one assignment target. The analysis is flow-insensitive: a name bound twice to
 * different constants holds either (a checked choice), and once it held an unknown value a
 * later constant (say in a branch never taken) does not make it known again.
 */
function assign(a: Analyzer, target: string, node: Node | undefined, value: Folded): void {
  if (typeof value === 'string' && isDangerousName(value))
    a.add(
      'injection',
      `template builds the name ${JSON.stringify(value.trim())} in variable ${target}`,
    )
  const tracked = a.scope.kindFor(target)
  if (value === UNKNOWN) {
    a.bind(target, UNKNOWN)
    a.scope.bindTo(target, node)
  } else if (tracked === 'data' || tracked === 'built') {
    a.bind(target, UNKNOWN)
  } else if (a.env.has(target) && a.env.get(target) !== value) {
    a.bind(target, UNKNOWN)
    a.scope.bindTo(target, undefined, 'choice')
  } else a.bind(target, value)
}

/** The expression after `in` of a for tag, if it parses. */
function iterable(toks: readonly Token[], inAt: number): Node | undefined {
  try {
    return new ExprParser(toks, inAt + 1).expr(true)
  } catch (e) {
    if (e instanceof ParseError || e instanceof RangeError) return undefined
    throw e
  }
}

/** `{% with a = x, b = y %}` assignments. */
function withAssignments(a: Analyzer, toks: readonly Token[]): void {
  for (let i = 1; i < toks.length;) {
    const t = toks[i]
    const eq = toks[i + 1]
    if (t?.t !== 'name' || eq?.t !== 'op' || eq.v !== '=') return
    const p = new ExprParser(toks, i + 2)
    let node: Node
    try {
      node = p.expr(false)
    } catch (e) {
      if (e instanceof ParseError || e instanceof RangeError) return a.bind(t.v, UNKNOWN)
      throw e
    }
    assign(a, t.v, node, fold(node, a.env))
    const sep = toks[p.pos]
    i = sep?.t === 'op' && sep.v === ',' ? p.pos + 1 : toks.length
  }
}

/** Handles one statement tag; returns the name of a block `{% set x %}` that starts capturing. */
function statement(a: Analyzer, tag: Tag): string | undefined {
  const toks = tag.tokens
  const head = toks[0]
  if (head?.t !== 'name') {
    a.expressions(toks, 0)
    return undefined
  }
  const kw = head.v
  if (LOADING_STATEMENTS.has(kw)) a.add('template-loading', `template uses {% ${kw} %}`, tag.at)
  if (kw === 'set') {
    const eq = toks.findIndex((t) => t.t === 'op' && t.v === '=')
    if (eq < 0) {
      const target = names(toks, 1, toks.length)[0]
      // A trailing filter (`{% set x | upper %}`) makes the block value unknown.
      return target && !toks.some((t) => t.t === 'op' && t.v === '|')
        ? target
        : (target && assign(a, target, undefined, UNKNOWN), undefined)
    }
    const targets = names(toks, 1, eq)
    const nodes = a.expressions(toks, eq + 1)
    const node = nodes.length === 1 ? nodes[0] : undefined
    const value = targets.length === 1 && node ? fold(node, a.env) : UNKNOWN
    for (const t of targets) assign(a, t, node, value)
    return undefined
  }
  if (kw === 'with') withAssignments(a, toks)
  if (kw === 'for') {
    // Loop variables are unknown; what they may hold (a gadget, data, constants) is tracked.
    const inAt = toks.findIndex((t) => t.t === 'name' && t.v === 'in')
    const targets = names(toks, 1, inAt < 0 ? toks.length : inAt).filter(
      (n) => !GADGET_ROOTS.has(n),
    )
    for (const n of targets) a.bind(n, UNKNOWN)
    a.scope.bindLoop(targets, inAt < 0 ? undefined : iterable(toks, inAt), (v) => {
      if (isDangerousName(v))
        a.add('injection', `template loops over the name ${JSON.stringify(v.trim())}`, tag.at)
    })
  }
  if (kw === 'macro' || kw === 'call') {
    // Parameters are context data, or a gadget when a default value or argument is one.
    const nodes = a.expressions(toks, 1)
    const gadget = nodes.find((n) => a.scope.gadgetOf(n))
    for (const n of names(toks, 1, toks.length)) {
      if (GADGET_ROOTS.has(n)) continue
      a.bind(n, UNKNOWN)
      a.scope.bindTo(n, gadget, 'data')
    }
    return undefined
  }
  a.expressions(toks, 1)
  return undefined
}

/**
 * Memory bounds of one analysis. A real chat template has a few thousand tokens and tags of a
 * few hundred; past these budgets the template is reported as not fully analysed (high), and
 * what was read is still checked.
 */
export const TEMPLATE_LIMITS: LexLimits = {
  maxTagTokens: 20_000,
  maxTokens: 2_000_000,
  maxText: 100_000,
  keepPastBudget: (t) => (t.t === 'name' || t.t === 'str') && isDangerousName(t.v),
}

/**
 * Runs the static analysis over one template's source, given as a string or as chunks of text
 * (a file or a GGUF value streamed from disk): the lexer holds one tag at a time.
 */
export function analyzeTemplateText(
  text: string | Iterable<string>,
  limits: LexLimits = TEMPLATE_LIMITS,
): TemplateFinding[] {
  const a = new Analyzer()
  const lexer = new TemplateLexer(
    (typeof text === 'string' ? chunksOf(text) : text)[Symbol.iterator](),
    limits,
  )
  let capture: { name: string; parts: Folded[]; depth: number } | undefined
  for (const tag of lexer.tags()) {
    if (tag.kind === 'text') {
      capture?.parts.push(tag.text ?? UNKNOWN)
      continue
    }
    if (tag.truncated) {
      a.add(
        'not-fully-analysed',
        `a tag at offset ${tag.at} has more than ${limits.maxTagTokens} tokens; only its start was parsed`,
        tag.at,
      )
      a.scanTokens(tag.tokens)
      a.scanTokens(tag.pastBudget ?? [])
    }
    if (a.overBudget) break
    if (tag.kind === 'expr') {
      const nodes = a.expressions(tag.tokens, 0)
      if (capture) capture.parts.push(nodes.length === 1 ? fold(nodes[0]!, a.env) : UNKNOWN)
      continue
    }
    const kw = tag.tokens[0]?.t === 'name' ? tag.tokens[0].v : ''
    if (capture) {
      if (kw === 'set' && !tag.tokens.some((t) => t.t === 'op' && t.v === '=')) capture.depth++
      if (kw === 'endset' && --capture.depth === 0) {
        const parts = capture.parts
        const value = parts.every((p) => typeof p === 'string')
          ? (parts as string[]).join('')
          : UNKNOWN
        if (typeof value === 'string' && isDangerousName(value)) {
          a.add(
            'injection',
            `template builds the name ${JSON.stringify(value.trim())} in a {% set %} block`,
            tag.at,
          )
        }
        assign(a, capture.name, undefined, value)
        capture = undefined
        continue
      }
      capture.parts.push(UNKNOWN)
    }
    const started = statement(a, tag)
    if (started && !capture) capture = { name: started, parts: [], depth: 1 }
  }
  for (const err of lexer.syntaxErrors.slice(0, 3)) a.add('syntax-error', err)
  if (a.scope.overflow) {
    a.add(
      'not-fully-analysed',
      'template binds more names or loop elements than the analysis tracks; the rest were not followed',
    )
  }
  if (lexer.stopped || a.overBudget) {
    a.add(
      'not-fully-analysed',
      `template is too large to analyse in full: stopped after ${lexer.tokens} tokens at character ${lexer.length}`,
    )
  }
  // Any value a {% set %} folded to a dunder is a hidden name waiting to be used.
  for (const [k, v] of a.env) {
    if (typeof v === 'string' && isDangerousName(v))
      a.add('injection', `template builds the name ${JSON.stringify(v.trim())} in variable ${k}`)
  }
  return a.out
}

const RULE_OF: Readonly<Record<TemplateFinding['kind'], string>> = {
  injection: 'chat-template.injection',
  'dynamic-attribute': 'chat-template.dynamic-attribute',
  'template-loading': 'chat-template.template-loading',
  'syntax-error': 'chat-template.syntax-error',
  unanalyzable: 'chat-template.unanalyzable',
  'not-fully-analysed': 'chat-template.not-fully-analysed',
}

export type AnalyzeOptions = Readonly<{
  /** Rule id for injection findings (GGUF uses `gguf.chat-template-injection`). */
  injectionRuleId?: string
  member?: string
}>

/**
 * Static analysis of a Jinja chat template for template injection (CVE-2024-34359 class).
 * Never renders or executes the template. Quiet on ordinary chat templates.
 */
export function analyzeChatTemplate(
  text: string | Iterable<string>,
  templateName?: string,
  opts: AnalyzeOptions = {},
): ModelFinding[] {
  const label = templateName ? `chat template ${JSON.stringify(templateName)}` : 'chat template'
  let found: TemplateFinding[]
  try {
    found = analyzeTemplateText(text)
  } catch (e) {
    if (e instanceof ScanCancelledError) throw e
    // Never throw to callers (discovery runs this on every tokenizer_config.json it meets).
    found = [{ kind: 'unanalyzable', message: `analysis stopped: ${(e as Error).message}` }]
  }
  return found.map((f) => ({
    ruleId: f.kind === 'injection' && opts.injectionRuleId ? opts.injectionRuleId : RULE_OF[f.kind],
    message: `${label}: ${f.message}`,
    member: opts.member,
  }))
}
