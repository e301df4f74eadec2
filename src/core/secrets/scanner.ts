import type { Candidate } from './matcher'
import {
  AGENT_CREDENTIAL_RULE_ID,
  AI_KEY_RULE_ID,
  IDENTITY_KEY_RULE_ID,
  LineMap,
  NOTEBOOK_KEY_RULE_ID,
  findCandidates,
  ruleIdFor,
  scopeForKind,
  severityFor,
  whereFor,
} from './matcher'
import { genericCredential, isValueReference, platformCredential } from './named-value'
import { notebookCandidates } from './notebook'
import type { PrivateKeyFacts } from './private-key'
import { privateKeyFacts } from './private-key'
import { fingerprint, redact } from './redact'
import type { SecretRuleScope } from './rules'
import type { SecretFileKind, SecretHit, SecretWhere } from './types'

/** Where a named value sits (`line` is the value's own line in its file). */
export type NamedValueOptions = Readonly<{
  path: string
  kind: SecretFileKind
  line: number
  /**
   * The platform whose profile holds the value: a credential no row recognises is then attributed
   * to it (`platform-credential`) instead of the generic fallback, and needs no key-ish name.
   */
  platform?: string
}>

/** A private key file: its hit (asset and finding shape) and the public facts about the key. */
export type PrivateKeyHit = Readonly<{
  hit: SecretHit
  facts: Omit<PrivateKeyFacts, 'body'>
}>

export type SecretScanner = Readonly<{
  /**
   * Scan text already in memory (MCP config values, notebook cells, env). Never returns the value.
   * `scope` picks the rows (default: by kind, see scopeForKind).
   */
  scanText(
    text: string,
    opts: { path: string; kind: SecretFileKind; scope?: SecretRuleScope },
  ): SecretHit[]
  /** Notebook JSON: code cells and outputs, JSON-aware, line numbers of the `.ipynb` file. */
  scanNotebook(jsonText: string, path: string): SecretHit[]
  /**
   * One value an agent or platform receives, with its name (`GITHUB_TOKEN`, `Authorization`):
   * every row (agent scope), then the generic fallback for a random value under a key-ish name.
   */
  scanNamedValue(name: string, value: string, opts: NamedValueOptions): SecretHit[]
  /** The first PEM private key in `text`, attributed to `provider` (an AI tool's identity key). */
  scanPrivateKey(text: string, opts: { path: string; provider: string }): PrivateKeyHit | undefined
}>

/** Internal variant used by the pass and the env scan: same hits, plus options. */
export type InternalScanner = SecretScanner &
  Readonly<{
    /** Text scan; `lineOffset` shifts line numbers (chunked reads), `processEnv` lowers severity. */
    scanTextAt(
      text: string,
      opts: {
        path: string
        kind: SecretFileKind
        lineOffset?: number
        processEnv?: boolean
        scope?: SecretRuleScope
      },
    ): SecretHit[]
  }>

export function createSecretScanner(opts: { fingerprintKey: Uint8Array }): InternalScanner {
  const key = Uint8Array.from(opts.fingerprintKey)
  const toHit = (
    c: Candidate,
    lines: LineMap,
    where: SecretWhere,
    kind: SecretFileKind,
    lineOffset: number,
    processEnv: boolean,
    path: string,
  ): SecretHit => {
    const pos = lines.position(c.start)
    return {
      // A notebook has its own rule: its fix (clear outputs) applies to notebooks only.
      ruleId:
        kind === 'notebook' && ruleIdFor(c.rule) === AI_KEY_RULE_ID
          ? NOTEBOOK_KEY_RULE_ID
          : ruleIdFor(c.rule),
      detector: c.rule.id,
      provider: c.rule.provider,
      ...(c.rule.label === undefined ? {} : { label: c.rule.label }),
      line: pos.line + lineOffset,
      column: pos.column,
      redacted: redact(c.value),
      fingerprint: fingerprint(c.value, key),
      severity: severityFor(c.rule, where, kind, processEnv),
      where,
      path,
    }
  }
  const scanTextAt: InternalScanner['scanTextAt'] = (text, o) => {
    const cands = findCandidates(text, o.path, o.scope ?? scopeForKind(o.kind))
    if (cands.length === 0) return []
    const lines = new LineMap(text)
    return cands.map((c) => {
      const pos = lines.position(c.start)
      const where = o.processEnv ? 'env' : whereFor(o.kind, text.slice(pos.lineStart, c.start))
      return toHit(c, lines, where, o.kind, o.lineOffset ?? 0, o.processEnv ?? false, o.path)
    })
  }
  return {
    scanTextAt,
    scanText: (text, o) =>
      o.kind === 'notebook' ? scanNotebook(text, o.path) : scanTextAt(text, { ...o }),
    scanNotebook: (jsonText, path) => scanNotebook(jsonText, path),
    scanNamedValue,
    scanPrivateKey,
  }

  function scanNamedValue(name: string, value: string, o: NamedValueOptions): SecretHit[] {
    if (isValueReference(value)) return []
    const where = whereFor(o.kind, '')
    const text = `${name}=${value}`
    const found = scanTextAt(text, { path: o.path, kind: o.kind, scope: 'agent' })
    if (found.length > 0) return found.map((h) => ({ ...h, line: o.line, where }))
    const v = o.platform !== undefined ? platformCredential(value) : genericCredential(name, value)
    if (v === undefined) return []
    return [
      {
        ruleId: AGENT_CREDENTIAL_RULE_ID,
        detector: o.platform !== undefined ? 'platform-credential' : 'generic-named-value',
        provider: o.platform ?? 'generic',
        label: o.platform !== undefined ? 'credential' : 'secret',
        line: o.line,
        column: 1,
        redacted: redact(v),
        fingerprint: fingerprint(v, key),
        severity: 'medium',
        where,
        path: o.path,
      },
    ]
  }

  function scanPrivateKey(
    text: string,
    o: { path: string; provider: string },
  ): PrivateKeyHit | undefined {
    const found = privateKeyFacts(text)
    if (!found) return undefined
    const { body, ...facts } = found
    const tail = facts.publicKeyFingerprint?.slice(-4)
    const begin = text.indexOf('-----BEGIN ')
    return {
      hit: {
        ruleId: IDENTITY_KEY_RULE_ID,
        detector: 'private-key',
        provider: o.provider,
        label: 'private key',
        line: begin < 0 ? 1 : new LineMap(text).position(begin).line,
        column: 1,
        redacted: `${facts.algorithm} private key${tail ? ` …${tail}` : ''}`,
        fingerprint: fingerprint(body, key),
        severity: 'low',
        where: 'config',
        path: o.path,
      },
      facts,
    }
  }

  function scanNotebook(jsonText: string, path: string): SecretHit[] {
    const found = notebookCandidates(jsonText, path)
    if (found.length === 0) return []
    const lines = new LineMap(jsonText)
    const hits: SecretHit[] = []
    for (const f of found) {
      if (f.where === 'skip') continue
      hits.push(toHit(f.candidate, lines, f.where, 'notebook', 0, false, path))
    }
    return hits
  }
}

/** Environment-variable scan (opt-in): each variable is scanned as `NAME=value`, path `env:NAME`. */
export function scanEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  scanner: SecretScanner,
): SecretHit[] {
  const hits: SecretHit[] = []
  const internal = (scanner as Partial<InternalScanner>).scanTextAt
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < 16 || value.length > 65_536) continue
    const text = `${name}=${value}`
    const path = `env:${name}`
    const found = internal
      ? internal(text, { path, kind: 'dotenv', processEnv: true })
      : scanner
          .scanText(text, { path, kind: 'dotenv' })
          .map((h) => ({ ...h, where: 'env' as const }))
    hits.push(...found)
  }
  return hits
}
