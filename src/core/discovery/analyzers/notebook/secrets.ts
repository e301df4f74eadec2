import type { SecretHit } from '../../../secrets/index'
import { secretAssetFromHit, secretFindingFromHit } from '../../../secrets/index'
import type { AssetLink } from '../../../types'
import type { DiscoveryContext } from '../../types'

/**
 * Runs the secrets engine over notebook JSON; a failing scanner is a skipped entry, not a crash.
 * `asText`: JSON nested past MAX_NOTEBOOK_DEPTH, scanned as plain text, since the notebook scan
 * walks the JSON structure recursively.
 */
export function scanNotebookSecrets(
  ctx: DiscoveryContext,
  text: string,
  path: string,
  asText = false,
): SecretHit[] {
  try {
    return (
      asText
        ? ctx.secrets.scanText(text, { path, kind: 'text' })
        : ctx.secrets.scanNotebook(text, path)
    ).filter((h) => typeof h?.fingerprint === 'string' && typeof h.line === 'number')
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
    const assetId = ctx.emitAsset(secretAssetFromHit(hit, path, 'notebook'))
    ctx.emitFinding(secretFindingFromHit(hit, path, assetId))
    links.push({ to: assetId, relation: 'contains-secret' })
  }
  return links
}
