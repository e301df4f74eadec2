import type { SecretHit } from '../../../secrets/index'
import { secretAssetIdentity } from '../../../secrets/index'
import type { AssetLink } from '../../../types'
import type { DiscoveryContext } from '../../types'

/** Same wording as the secrets pass, so a notebook key reads like any other key. */
const WHERE_WORDS: Readonly<Record<SecretHit['where'], string>> = {
  code: 'code',
  output: 'a notebook output',
  comment: 'a comment',
  history: 'shell history',
  config: 'a config file',
  env: 'an environment file',
}

/** Runs the secrets engine over notebook JSON; a failing scanner is a skipped entry, not a crash. */
export function scanNotebookSecrets(
  ctx: DiscoveryContext,
  text: string,
  path: string,
): SecretHit[] {
  try {
    return ctx.secrets
      .scanNotebook(text, path)
      .filter((h) => typeof h?.fingerprint === 'string' && typeof h.line === 'number')
  } catch (e) {
    ctx.emitSkipped({
      path,
      reason: 'error',
      message: `secret scan failed: ${(e as Error)?.message ?? e}`,
    })
    return []
  }
}

/**
 * Emits one `secret` asset and its finding per hit, shaped as the secrets pass emits them for
 * other files (provider, location, redacted preview and fingerprint: never the value), and
 * returns the `contains-secret` links for the notebook asset.
 */
export function emitNotebookSecrets(
  ctx: DiscoveryContext,
  path: string,
  hits: readonly SecretHit[],
): AssetLink[] {
  const links: AssetLink[] = []
  for (const hit of hits) {
    const assetId = ctx.emitAsset({
      kind: 'secret',
      path,
      identity: secretAssetIdentity(hit, path),
      name: `${hit.provider} key`,
      source: 'notebook',
      details: {
        provider: hit.provider,
        line: hit.line,
        redacted: hit.redacted,
        fingerprint: hit.fingerprint,
        ruleId: hit.ruleId,
        detector: hit.detector,
        where: hit.where,
      },
    })
    ctx.emitFinding({
      ruleId: hit.ruleId,
      severity: hit.severity,
      message: `${hit.provider} API key in ${WHERE_WORDS[hit.where] ?? hit.where}: ${path}:${hit.line} (${hit.redacted})`,
      path,
      line: hit.line,
      assetId,
    })
    links.push({ to: assetId, relation: 'contains-secret' })
  }
  return links
}
