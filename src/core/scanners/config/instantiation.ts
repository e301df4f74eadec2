import { parseYaml } from '../../util/yaml'
import { classifyImport } from '../pickle/classify'
import type { ModelFinding } from '../types'
import { allowedNamespace, INSTANTIATION_DENY_SUFFIXES } from './allowlist'

/**
 * Config instantiation: Hydra/OmegaConf `_target_`, LightningCLI/jsonargparse `class_path`
 * (+ `init_args`) and CompVis-style `target` (+ `params`) entries name a callable that the loading
 * library imports and calls. This module finds those entries in parsed configs and judges the
 * dotted path: pickle deny list first, the repository's own modules, then the documented
 * allow-list (allowlist.ts); anything else callable-shaped is critical.
 */

export type TargetVerdict =
  | Readonly<{ tier: 'allow'; source: string }>
  | Readonly<{ tier: 'custom'; module: string }>
  | Readonly<{ tier: 'deny'; reason: string }>
  | Readonly<{ tier: 'unknown' }>
  | Readonly<{ tier: 'not-callable' }>

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/
const DANGEROUS_BARE = new Set([
  'eval',
  'exec',
  'compile',
  'open',
  'getattr',
  'setattr',
  '__import__',
  'system',
  'popen',
  'breakpoint',
])

/** Judges one `_target_`-style value. `customModules` are top-level modules shipped with the model. */
export function classifyTarget(raw: string, customModules: ReadonlySet<string>): TargetVerdict {
  const value = raw.trim().replace(/:/g, '.')
  if (!DOTTED.test(value)) {
    return /[()[\];'"`\s]/.test(raw) || raw.includes('__')
      ? { tier: 'deny', reason: 'is not a plain dotted path (code in the value)' }
      : { tier: 'not-callable' }
  }
  const parts = value.split('.')
  if (parts.length === 1) {
    return DANGEROUS_BARE.has(value)
      ? { tier: 'deny', reason: `names the builtin ${value}` }
      : { tier: 'not-callable' }
  }
  const module = parts.slice(0, -1).join('.')
  const name = parts[parts.length - 1]!
  const v = classifyImport(module, name)
  if (v.tier === 'deny') return { tier: 'deny', reason: v.reason }
  if (v.tier === 'dunder') return { tier: 'deny', reason: 'walks through a dunder attribute' }
  if (customModules.has(parts[0]!)) return { tier: 'custom', module: parts[0]! }
  const last = parts[parts.length - 1]!
  if (INSTANTIATION_DENY_SUFFIXES.includes(last))
    return { tier: 'deny', reason: `${last} loads files or models by path or name` }
  const allowed = allowedNamespace(value)
  if (allowed) return { tier: 'allow', source: allowed.source }
  // Plain data types of builtins (builtins.dict, builtins.list) are what classifyImport allows.
  if (v.tier === 'allow' && (parts[0] === 'builtins' || parts[0] === 'collections'))
    return { tier: 'allow', source: 'Python builtins: plain data types' }
  return { tier: 'unknown' }
}

export type InstantiationOptions = Readonly<{
  /** File (or archive member) the config came from, for messages. */
  where: string
  member?: string
  /** Top-level Python modules shipped with the model (`modeling_foo`, `my_pkg`). */
  customModules?: ReadonlySet<string>
  /** Source text, used to find the line of each entry. */
  text?: string
}>

const MAX_NODES = 500_000
const MAX_DEPTH = 200
const MAX_FINDINGS = 50

function lineOf(text: string | undefined, value: string): number | undefined {
  if (!text) return undefined
  const i = text.indexOf(value)
  if (i < 0) return undefined
  let line = 1
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) line++
  return line
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Walks a parsed config (JSON or YAML value) for instantiation entries and `trust_remote_code:
 * true`. Iterative with node and depth caps; a config too large to walk is reported.
 */
export function checkInstantiation(root: unknown, opts: InstantiationOptions): ModelFinding[] {
  const findings: ModelFinding[] = []
  const custom = opts.customModules ?? new Set<string>()
  const add = (f: ModelFinding): void => {
    if (findings.length < MAX_FINDINGS) findings.push(f)
  }
  const stack: [unknown, string, number][] = [[root, '$', 0]]
  let nodes = 0
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      add({
        ruleId: 'config.invalid',
        message: `${opts.where}: config too large or too deep to check completely`,
        member: opts.member,
      })
      break
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1])
      continue
    }
    if (!isRecord(v)) continue
    for (const key of ['_target_', 'class_path', 'target'] as const) {
      const t = v[key]
      if (typeof t !== 'string') continue
      // CompVis/SGM `instantiate_from_config` reads `target` beside `params`; a bare `target`
      // elsewhere is ordinary data (a label, a URL).
      if (key === 'target' && !('params' in v)) continue
      const verdict = classifyTarget(t, custom)
      const at = `${opts.where} ${path}.${key}`
      const line = lineOf(opts.text, t)
      const shown = JSON.stringify(t.length > 200 ? `${t.slice(0, 197)}...` : t)
      if (verdict.tier === 'deny') {
        add({
          ruleId: 'config.instantiation-target',
          message: `${at} = ${shown} ${verdict.reason}`,
          member: opts.member,
          callable: t.slice(0, 200),
          line,
        })
      } else if (verdict.tier === 'custom') {
        add({
          ruleId: 'config.instantiation-custom-code',
          message: `${at} = ${shown} imports the model's own module ${verdict.module}`,
          member: opts.member,
          callable: t.slice(0, 200),
          line,
        })
      } else if (verdict.tier === 'unknown') {
        add({
          ruleId: 'config.instantiation-target',
          message: `${at} = ${shown} is outside the known model-building namespaces`,
          member: opts.member,
          callable: t.slice(0, 200),
          line,
        })
      }
    }
    if (v['trust_remote_code'] === true || v['trust_remote_code'] === 'true') {
      add({
        ruleId: 'config.trust-remote-code',
        message: `${opts.where} ${path}.trust_remote_code is true`,
        member: opts.member,
        line: lineOf(opts.text, 'trust_remote_code'),
      })
    }
    const keys = Object.keys(v)
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = v[keys[i]!]
      if (typeof child === 'object' && child !== null)
        stack.push([child, `${path}.${keys[i]}`, depth + 1])
    }
  }
  return findings
}

/** Cheap test before parsing: only texts naming one of the keys can hold an entry. */
export function mentionsInstantiation(text: string): boolean {
  return (
    text.includes('_target_') ||
    text.includes('class_path') ||
    text.includes('trust_remote_code') ||
    text.includes('!!python/') ||
    (text.includes('target') && text.includes('params'))
  )
}

/** `_target_: a.b.C` / `"class_path": "a.b.C",` on a line of its own (block YAML, pretty JSON). */
const ENTRY_LINE =
  /^[ \t-]*["']?(?:_target_|class_path)["']?[ \t]*:[ \t]*["']?([A-Za-z_][\w.]*)["']?[ \t]*,?[ \t]*$/gm

function occurrences(text: string, needle: string): number {
  let n = 0
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++
  return n
}

/**
 * Fast path for the common case (a NeMo or Lightning config of allow-listed classes): when every
 * mention of an instantiation key is a plain `key: dotted.value` line whose value is allowed, the
 * config has nothing to report and is not parsed. Anything else (flow mappings, aliases, quoting
 * the line pattern does not cover, python tags, CompVis `target`) takes the full parse.
 */
function onlyAllowedEntries(text: string, custom: ReadonlySet<string>): boolean {
  if (text.includes('!!python/') || text.includes('trust_remote_code')) return false
  if (text.includes('params') && /(^|[\s{,"'])target["']?\s*:/m.test(text)) return false
  let matched = 0
  for (const m of text.matchAll(ENTRY_LINE)) {
    matched++
    const tier = classifyTarget(m[1]!, custom).tier
    if (tier !== 'allow') return false
  }
  return matched === occurrences(text, '_target_') + occurrences(text, 'class_path')
}

/** PyYAML tags that construct Python objects (`!!python/object/apply:os.system`). */
const PYTHON_TAG = /!!python\/(object(?:\/apply|\/new)?|name|module):([A-Za-z0-9_.]+)/g

/** Findings for PyYAML python tags in a text (they construct objects under unsafe loaders). */
function pythonTagFindings(text: string, opts: InstantiationOptions): ModelFinding[] {
  const findings: ModelFinding[] = []
  if (!text.includes('!!python/')) return findings
  for (const m of text.matchAll(PYTHON_TAG)) {
    findings.push({
      ruleId: 'config.instantiation-target',
      message: `${opts.where}: YAML tag !!python/${m[1]}:${m[2]} constructs a Python object on load`,
      member: opts.member,
      callable: m[2],
      line: lineOf(text, m[0]),
    })
    if (findings.length >= MAX_FINDINGS) break
  }
  return findings
}

/**
 * Checks one config text (YAML or JSON). Returns findings and, when the text cannot be parsed,
 * a reason: the regex fallback still reports entries so a malformed file never hides one.
 */
export function checkConfigText(
  text: string,
  kind: 'yaml' | 'json',
  opts: InstantiationOptions,
): { findings: ModelFinding[]; invalid?: string } {
  if (!mentionsInstantiation(text)) return { findings: [] }
  if (onlyAllowedEntries(text, opts.customModules ?? new Set())) return { findings: [] }
  const findings: ModelFinding[] = pythonTagFindings(text, opts)
  let root: unknown
  try {
    root =
      kind === 'json'
        ? JSON.parse(text)
        : parseYaml(text, { maxAliasCount: 1000, logLevel: 'silent', uniqueKeys: false })
  } catch (e) {
    // Fallback: the entries a loader would still see in a file it parses more leniently.
    const custom = opts.customModules ?? new Set<string>()
    for (const m of text.matchAll(/["']?(_target_|class_path)["']?\s*[:=]\s*["']?([^"'\s,}]+)/g)) {
      const verdict = classifyTarget(m[2]!, custom)
      if (verdict.tier === 'deny' || verdict.tier === 'unknown' || verdict.tier === 'custom') {
        findings.push({
          ruleId:
            verdict.tier === 'custom'
              ? 'config.instantiation-custom-code'
              : 'config.instantiation-target',
          message: `${opts.where}: ${m[1]} = ${JSON.stringify(m[2])} (in a config that does not parse)`,
          member: opts.member,
          callable: m[2]!.slice(0, 200),
          line: lineOf(text, m[0]),
        })
      }
    }
    findings.push({
      ruleId: 'config.invalid',
      message: `${opts.where}: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`,
      member: opts.member,
    })
    return { findings, invalid: 'config does not parse' }
  }
  findings.push(...checkInstantiation(root, { ...opts, text }))
  return { findings }
}

/**
 * Metadata strings of weight files (safetensors `__metadata__`, GGUF string values) that embed a
 * config (Uni2TS, FlexTok): a key named like an instantiation key, or a JSON/YAML value holding
 * one. Values that are not configs are ignored silently (metadata is mostly free text).
 */
export function checkMetadataStrings(
  entries: Iterable<readonly [string, string]>,
  opts: InstantiationOptions,
): ModelFinding[] {
  const findings: ModelFinding[] = []
  for (const [key, value] of entries) {
    if (findings.length >= MAX_FINDINGS) break
    const leaf = key.slice(key.lastIndexOf('.') + 1)
    if (leaf === '_target_' || leaf === 'class_path') {
      findings.push(
        ...checkInstantiation({ [leaf]: value }, { ...opts, where: `${opts.where} ${key}` }),
      )
      continue
    }
    if (
      !value.includes('_target_') &&
      !value.includes('class_path') &&
      !value.includes('!!python/')
    )
      continue
    const where = `${opts.where} ${key}`
    let parsed: unknown
    try {
      parsed = JSON.parse(value)
    } catch {
      try {
        parsed = parseYaml(value, { maxAliasCount: 1000, logLevel: 'silent', uniqueKeys: false })
      } catch {
        parsed = undefined
      }
    }
    if (parsed !== undefined && typeof parsed === 'object') {
      findings.push(...checkInstantiation(parsed, { ...opts, where }))
    }
    findings.push(...pythonTagFindings(value, { ...opts, where }))
    if (parsed === undefined || typeof parsed !== 'object') {
      // Unparseable text: the entries a lenient loader would still find.
      for (const m of value.matchAll(
        /["']?(_target_|class_path)["']?\s*[:=]\s*["']?([^"'\s,}]+)/g,
      )) {
        findings.push(...checkInstantiation({ [m[1]!]: m[2] }, { ...opts, where }))
      }
    }
  }
  return findings
}
