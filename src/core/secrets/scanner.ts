import type { Candidate } from './matcher'
import {
  AI_KEY_RULE_ID,
  LineMap,
  NOTEBOOK_KEY_RULE_ID,
  findCandidates,
  severityFor,
  whereFor,
} from './matcher'
import { notebookCandidates } from './notebook'
import { fingerprint, redact } from './redact'
import type { SecretFileKind, SecretHit, SecretWhere } from './types'

export type SecretScanner = Readonly<{
  /** Scan text already in memory (MCP config values, notebook cells, env). Never returns the value. */
  scanText(text: string, opts: { path: string; kind: SecretFileKind }): SecretHit[]
  /** Notebook JSON: code cells and outputs, JSON-aware, line numbers of the `.ipynb` file. */
  scanNotebook(jsonText: string, path: string): SecretHit[]
}>

/** Internal variant used by the pass and the env scan: same hits, plus options. */
export type InternalScanner = SecretScanner &
  Readonly<{
    /** Text scan; `lineOffset` shifts line numbers (chunked reads), `processEnv` lowers severity. */
    scanTextAt(
      text: string,
      opts: { path: string; kind: SecretFileKind; lineOffset?: number; processEnv?: boolean },
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
      ruleId: kind === 'notebook' ? NOTEBOOK_KEY_RULE_ID : AI_KEY_RULE_ID,
      detector: c.rule.id,
      provider: c.rule.provider,
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
    const cands = findCandidates(text, o.path)
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
