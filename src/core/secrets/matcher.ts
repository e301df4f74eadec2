import type { Severity } from '../types'
import { SEVERITIES, severityRank } from '../types'
import {
  isFixturePath,
  isReference,
  isTruncated,
  isUuid,
  judgeBody,
  looksLikeDigest,
} from './decoys'
import type { SecretRuleDef, SecretRuleScope } from './rules'
import { SECRET_RULE_DEFS } from './rules'
import type { TriggerSet } from './triggers'
import { compileTriggers, findTriggers } from './triggers'
import type { SecretFileKind, SecretWhere } from './types'

/** The finding rule every AI key hit raises (severity varies per provider and location). */
export const AI_KEY_RULE_ID = 'secret.ai-api-key'
export const NOTEBOOK_KEY_RULE_ID = 'secret.ai-api-key-in-notebook'
/** The finding rule of a credential handed to an agent (agent-scope rows and the generic fallback). */
export const AGENT_CREDENTIAL_RULE_ID = 'secret.agent-credential'
/** The finding rule of an AI tool's private identity key. */
export const IDENTITY_KEY_RULE_ID = 'secret.identity-key'

/** The finding rule a row's hits raise. */
export function ruleIdFor(rule: SecretRuleDef): string {
  return (rule.scope ?? 'ai') === 'agent' ? AGENT_CREDENTIAL_RULE_ID : AI_KEY_RULE_ID
}

/**
 * The rows a file kind gets by default: an AI tool's own credential file holds what the tool hands
 * its agents (a goose `secrets.yaml` with a GitHub token), so it gets the agent rows too.
 */
export function scopeForKind(kind: SecretFileKind): SecretRuleScope {
  return kind === 'tool-credentials' ? 'agent' : 'ai'
}

type CompiledRule = Readonly<{
  def: SecretRuleDef
  index: number
  re: RegExp
  bare: boolean
}>

/** A validated match. `value` stays inside the secrets module: callers get hits without it. */
export type Candidate = Readonly<{
  rule: SecretRuleDef
  start: number
  end: number
  value: string
}>

function compile(def: SecretRuleDef, index: number): CompiledRule {
  const base64 = def.charset === 'base64'
  const cls = base64 ? '[A-Za-z0-9_+/-]' : '[A-Za-z0-9_-]'
  // Not preceded by a key character, unless it is the letter of a JSON/C escape (`\\n`, `\\r`, `\\t`).
  // `=` ends base64 values (padding) but also starts them (`key=value`), so it only bounds the end.
  const before = `(?:(?<!${cls})|(?<=\\\\[nrt]))`
  const after = base64 ? '(?![A-Za-z0-9_+/=-])' : `(?!${cls})`
  // Prefix rows run sticky at each anchor occurrence; keyword rows scan their window.
  const flags = def.requiresKeyword ? 'g' : 'y'
  const re = new RegExp(`${before}(?<key>${def.pattern})${after}`, flags)
  return { def, index, re, bare: def.pattern.startsWith('(?<body>') }
}

/** The compiled rows of one scope, indexed by keyword and by anchor stem. */
type RuleSet = Readonly<{
  keywordRules: readonly CompiledRule[]
  /** keyword -> rules that need it. */
  byKeyword: ReadonlyMap<string, readonly CompiledRule[]>
  /**
   * Lower-case stems of the anchors (the shortest anchor prefix shared by rows, e.g. `sk-` for all
   * OpenAI/Anthropic/OpenRouter rows) -> [case-sensitive anchor, rule] pairs to try at a stem hit.
   */
  byStem: ReadonlyMap<string, readonly (readonly [string, CompiledRule])[]>
  /** Keywords and anchor stems, found in one pass (see triggers.ts). */
  triggers: TriggerSet
}>

function buildRuleSet(rules: readonly CompiledRule[]): RuleSet {
  const keywordRules = rules.filter((r) => r.def.requiresKeyword)
  const byKeyword = new Map<string, CompiledRule[]>()
  for (const r of keywordRules) {
    for (const k of r.def.keywords) {
      const list = byKeyword.get(k) ?? []
      list.push(r)
      byKeyword.set(k, list)
    }
  }
  const all: [string, CompiledRule][] = []
  for (const r of rules) {
    if (r.def.requiresKeyword) continue
    for (const a of r.def.anchors ?? []) all.push([a, r])
  }
  const lowers = [...new Set(all.map(([a]) => a.toLowerCase()))]
  const stems = lowers.filter((a) => !lowers.some((b) => b !== a && a.startsWith(b)))
  const byStem = new Map<string, [string, CompiledRule][]>()
  for (const [a, r] of all) {
    const stem = stems.find((st) => a.toLowerCase().startsWith(st))
    if (stem === undefined) continue
    const list = byStem.get(stem) ?? []
    list.push([a, r])
    byStem.set(stem, list)
  }
  const triggers = compileTriggers(new Set([...byKeyword.keys(), ...byStem.keys()]))
  return { keywordRules, byKeyword, byStem, triggers }
}

const COMPILED: readonly CompiledRule[] = SECRET_RULE_DEFS.map(compile)
/** `ai` runs the AI provider rows only; `agent` adds the rows for services agents are given keys for. */
const RULE_SETS: Readonly<Record<SecretRuleScope, RuleSet>> = {
  ai: buildRuleSet(COMPILED.filter((r) => (r.def.scope ?? 'ai') === 'ai')),
  agent: buildRuleSet(COMPILED),
}

/** Longest keyword-rule key, plus slack: a match starting in the window always ends in the slice. */
const SLICE_SLACK = 400

function lineBefore(text: string, start: number, max: number): string {
  let i = start
  const stop = Math.max(0, start - max)
  while (i > stop && text.charCodeAt(i - 1) !== 10) i--
  return text.slice(i, start)
}

function accept(
  r: CompiledRule,
  text: string,
  start: number,
  value: string,
  body: string,
): boolean {
  const d = r.def
  if (judgeBody(body, d.charset, d.minEntropy) !== 'ok') return false
  const before = lineBefore(text, start, 60)
  if (isReference(before)) return false
  if (isTruncated(text.slice(start + value.length, start + value.length + 6))) return false
  if (r.bare) {
    if (!d.uuidKey && isUuid(value)) return false
    if (looksLikeDigest(before.slice(-40))) return false
  }
  return true
}

type Raw = Candidate & { prio: number }

function consider(r: CompiledRule, text: string, m: RegExpExecArray, offset: number, out: Raw[]) {
  const value = m.groups?.key ?? m[0]
  const body = m.groups?.body ?? value
  const start = offset + m.index
  if (accept(r, text, start, value, body)) {
    out.push({ rule: r.def, start, end: start + value.length, value, prio: r.index })
  }
}

/** Finds, validates and de-duplicates key candidates in `text` (no line mapping). */
export function findCandidates(
  text: string,
  path: string,
  scope: SecretRuleScope = 'ai',
): Candidate[] {
  if (isFixturePath(path)) return []
  const set = RULE_SETS[scope]
  const raw: Raw[] = []
  // Regions per keyword rule: [keywordEnd, keywordEnd + window]; overlapping regions merge.
  const regions = new Map<CompiledRule, [number, number][]>()
  const addRegion = (r: CompiledRule, s: number, e: number): void => {
    const list = regions.get(r) ?? []
    const last = list[list.length - 1]
    if (last && s <= last[1]) last[1] = Math.max(last[1], e)
    else list.push([s, e])
    regions.set(r, list)
  }
  const lowerPath = path.toLowerCase()
  for (const r of set.keywordRules) {
    if (r.def.pathContext && r.def.keywords.some((k) => lowerPath.includes(k))) {
      addRegion(r, 0, text.length)
    }
  }
  findTriggers(text, set.triggers, (trigger, pos) => {
    const anchored = set.byStem.get(trigger)
    if (anchored) {
      for (const [anchor, r] of anchored) {
        if (!text.startsWith(anchor, pos)) continue
        r.re.lastIndex = pos
        const km = r.re.exec(text)
        if (km) consider(r, text, km, 0, raw)
      }
    }
    const end = pos + trigger.length
    for (const r of set.byKeyword.get(trigger) ?? []) addRegion(r, end, end + (r.def.window ?? 80))
  })
  let lower: string | undefined
  for (const [r, list] of regions) {
    const ctx = r.def.fileContext
    if (ctx) {
      lower ??= text.toLowerCase()
      const l = lower
      if (!ctx.some((c) => l.includes(c))) continue
    }
    for (const [s, e] of list) {
      const from = Math.max(0, s - 2)
      const sub = text.slice(from, Math.min(text.length, e + SLICE_SLACK))
      r.re.lastIndex = 0
      for (let m = r.re.exec(sub); m !== null; m = r.re.exec(sub)) {
        const start = from + m.index
        if (start >= s && start <= e) consider(r, text, m, from, raw)
      }
    }
  }
  if (raw.length === 0) return []
  // Highest-priority (earliest table row) candidate wins a span; a span is reported once.
  raw.sort((a, b) => a.prio - b.prio || a.start - b.start)
  const kept: Candidate[] = []
  for (const c of raw) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue
    kept.push({ rule: c.rule, start: c.start, end: c.end, value: c.value })
  }
  return kept.sort((a, b) => a.start - b.start)
}

/** Maps offsets to 1-based line/column with a lazily built newline table. */
export class LineMap {
  private starts: number[] | undefined
  constructor(private readonly text: string) {}
  private table(): number[] {
    if (this.starts) return this.starts
    const s = [0]
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) s.push(i + 1)
    this.starts = s
    return s
  }
  position(offset: number): { line: number; column: number; lineStart: number } {
    const s = this.table()
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((s[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    const lineStart = s[lo] ?? 0
    return { line: lo + 1, column: offset - lineStart + 1, lineStart }
  }
}

const COMMENT_START = /^\s*(#|\/\/|;|--|\/\*|\*|<!--|rem\s)/i

/** True when the text before the key on its line starts a comment (a commented-out export). */
export function isCommentLine(prefix: string): boolean {
  return COMMENT_START.test(prefix)
}

const JSON_KINDS: ReadonlySet<SecretFileKind> = new Set(['json', 'notebook'])

export function whereFor(kind: SecretFileKind, linePrefix: string): SecretWhere {
  if (kind === 'shell-history') return 'history'
  if (!JSON_KINDS.has(kind) && isCommentLine(linePrefix)) return 'comment'
  switch (kind) {
    case 'dotenv':
      return 'env'
    case 'source':
    case 'text':
    case 'notebook':
      return 'code'
    case 'shell-rc':
    case 'netrc':
    case 'aws-credentials':
    case 'tool-credentials':
    case 'hf-token':
    case 'json':
    case 'yaml':
    case 'toml':
    case 'ini':
      return 'config'
  }
}

/** Files whose job is to hold a credential: the key being there is expected (permissions matter). */
const CREDENTIAL_STORES: ReadonlySet<SecretFileKind> = new Set([
  'tool-credentials',
  'hf-token',
  'aws-credentials',
  'netrc',
])

/**
 * Severity by provider (the row's default) and location: a notebook output is shared whenever the
 * notebook is, so it is raised; a dedicated credential store and the process environment are the
 * intended places for a key, so they are lowered.
 */
export function severityFor(
  rule: SecretRuleDef,
  where: SecretWhere,
  kind: SecretFileKind,
  processEnv = false,
): Severity {
  let r = severityRank(rule.severity)
  if (where === 'output') r += 1
  if (processEnv || CREDENTIAL_STORES.has(kind)) r -= 1
  const clamped = Math.max(1, Math.min(SEVERITIES.length - 1, r))
  return SEVERITIES[clamped] ?? 'high'
}
