import type { ModelFinding } from '../../types'
import type { TemplateFinding } from './checks'
import { Analyzer, GADGET_ROOTS, isDangerousName, LOADING_STATEMENTS } from './checks'
import type { Folded } from './fold'
import { fold, UNKNOWN } from './fold'
import type { Tag, Token } from './lexer'
import { lexTemplate } from './lexer'

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
        : (target && a.env.set(target, UNKNOWN), undefined)
    }
    const targets = names(toks, 1, eq)
    const nodes = a.expressions(toks, eq + 1)
    const value = targets.length === 1 && nodes.length === 1 ? fold(nodes[0]!, a.env) : UNKNOWN
    for (const t of targets) a.env.set(t, value)
    return undefined
  }
  if (kw === 'for' || kw === 'macro' || kw === 'call' || kw === 'with') {
    // Loop variables and macro parameters are unknown at analysis time.
    const inAt = toks.findIndex((t) => t.t === 'name' && t.v === 'in')
    for (const n of names(toks, 1, inAt < 0 ? toks.length : inAt))
      if (!GADGET_ROOTS.has(n)) a.env.set(n, UNKNOWN)
  }
  a.expressions(toks, 1)
  return undefined
}

/** Runs the static analysis over one template's source text. */
export function analyzeTemplateText(text: string): TemplateFinding[] {
  const a = new Analyzer()
  const lexed = lexTemplate(text)
  for (const err of lexed.syntaxErrors.slice(0, 3)) a.add('syntax-error', err)
  let capture: { name: string; parts: Folded[]; depth: number } | undefined
  for (const tag of lexed.tags) {
    if (tag.kind === 'text') {
      capture?.parts.push(tag.text ?? '')
      continue
    }
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
        a.env.set(capture.name, value)
        if (typeof value === 'string' && isDangerousName(value)) {
          a.add(
            'injection',
            `template builds the name ${JSON.stringify(value.trim())} in a {% set %} block`,
            tag.at,
          )
        }
        capture = undefined
        continue
      }
      capture.parts.push(UNKNOWN)
    }
    const started = statement(a, tag)
    if (started && !capture) capture = { name: started, parts: [], depth: 1 }
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
  text: string,
  templateName?: string,
  opts: AnalyzeOptions = {},
): ModelFinding[] {
  const label = templateName ? `chat template ${JSON.stringify(templateName)}` : 'chat template'
  let found: TemplateFinding[]
  try {
    found = analyzeTemplateText(text)
  } catch (e) {
    // Never throw to callers (discovery runs this on every tokenizer_config.json it meets).
    found = [{ kind: 'unanalyzable', message: `analysis stopped: ${(e as Error).message}` }]
  }
  return found.map((f) => ({
    ruleId: f.kind === 'injection' && opts.injectionRuleId ? opts.injectionRuleId : RULE_OF[f.kind],
    message: `${label}: ${f.message}`,
    member: opts.member,
  }))
}
