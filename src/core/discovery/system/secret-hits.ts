import type { SecretFileKind, SecretHit } from '../../secrets/index'
import type { DiscoveryContext } from '../types'

export type EmittedSecret = Readonly<{ assetId: string; line: number; path: string }>

/** Same words as the secrets pass, so a key found by both yields the same finding id (same message). */
const WHERE_WORDS: Readonly<Record<SecretHit['where'], string>> = {
  code: 'code',
  output: 'a notebook output',
  comment: 'a comment',
  history: 'shell history',
  config: 'a config file',
  env: 'an environment file',
}

/**
 * Runs the secrets engine on a token-bearing file and emits one `secret` asset and one finding per
 * hit, shaped exactly as the secrets pass shapes them (identity `fingerprint@path:line`, redacted
 * preview and fingerprint only), so a file both scan merges into the same asset. Returns the
 * emitted asset ids with lines so the caller can link the platform asset to them.
 */
export function scanSecrets(
  ctx: DiscoveryContext,
  text: string,
  path: string,
  kind: SecretFileKind,
  source: string,
): EmittedSecret[] {
  let hits: readonly SecretHit[]
  try {
    hits = ctx.secrets.scanText(text, { path, kind })
  } catch (e) {
    ctx.emitSkipped({ path, reason: 'error', message: `secret scan failed: ${String(e)}` })
    return []
  }
  const out: EmittedSecret[] = []
  for (const h of hits) {
    const assetId = ctx.emitAsset({
      kind: 'secret',
      path,
      identity: `${h.fingerprint}@${path}:${h.line}`,
      name: `${h.provider} key`,
      source,
      details: {
        provider: h.provider,
        line: h.line,
        redacted: h.redacted,
        fingerprint: h.fingerprint,
        ruleId: h.ruleId,
        detector: h.detector,
        where: h.where,
      },
    })
    ctx.emitFinding({
      ruleId: h.ruleId,
      severity: h.severity,
      message: `${h.provider} API key in ${WHERE_WORDS[h.where] ?? 'a file'}: ${path}:${h.line} (${h.redacted})`,
      path,
      line: h.line,
      assetId,
    })
    out.push({ assetId, line: h.line, path })
  }
  return out
}
