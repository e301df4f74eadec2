import type { NewAsset, NewFinding } from '../types'
import type { SecretHit } from './types'

/**
 * The one shape of a key's `secret` asset and finding. The secrets pass and the discovery locators
 * (notebooks, platform token files, tool configs) all build them here: the store merges an asset
 * emitted by both only because identity, details and finding text are identical. Never the value:
 * provider, location, redacted preview and fingerprint only.
 */

/** Asset identity of a hit: fingerprint + path + line (stable across scans, no cleartext). */
export function secretAssetIdentity(hit: SecretHit, path: string): string {
  return `${hit.fingerprint}@${path}:${hit.line}`
}

const WHERE_WORDS: Readonly<Record<SecretHit['where'], string>> = {
  code: 'code',
  output: 'a notebook output',
  comment: 'a comment',
  history: 'shell history',
  config: 'a config file',
  env: 'an environment file',
}

/** The `secret` asset for a hit found in `path` by `source` (`secrets`, `notebook`, a locator id). */
export function secretAssetFromHit(hit: SecretHit, path: string, source: string): NewAsset {
  return {
    kind: 'secret',
    path,
    identity: secretAssetIdentity(hit, path),
    name: `${hit.provider} ${hit.label ?? 'key'}`,
    source,
    details: {
      provider: hit.provider,
      line: hit.line,
      redacted: hit.redacted,
      fingerprint: hit.fingerprint,
      ruleId: hit.ruleId,
      detector: hit.detector,
      where: hit.where,
    },
  }
}

/** The finding for a hit in `path`, about the secret asset `assetId` when it is known. */
export function secretFindingFromHit(hit: SecretHit, path: string, assetId?: string): NewFinding {
  return {
    ruleId: hit.ruleId,
    severity: hit.severity,
    message: `${hit.provider} ${hit.label ?? 'API key'} in ${WHERE_WORDS[hit.where] ?? hit.where}: ${path}:${hit.line} (${hit.redacted})`,
    path,
    line: hit.line,
    ...(assetId === undefined ? {} : { assetId }),
  }
}
