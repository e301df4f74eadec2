import type { SecretFileKind, SecretHit } from '../../secrets/index'
import { secretAssetFromHit, secretFindingFromHit } from '../../secrets/index'
import type { DiscoveryContext } from '../types'

export type EmittedSecret = Readonly<{ assetId: string; line: number; path: string }>

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
    const assetId = ctx.emitAsset(secretAssetFromHit(h, path, source))
    ctx.emitFinding(secretFindingFromHit(h, path, assetId))
    out.push({ assetId, line: h.line, path })
  }
  return out
}
