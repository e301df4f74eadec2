import type { DiscoveryContext } from '../../types'
import { assetIdFor } from '../../../util/ids'
import type { SecretFileKind, SecretHit } from '../../../secrets/index'
import {
  secretAssetFromHit,
  secretAssetIdentity,
  secretFileKind,
  secretFindingFromHit,
} from '../../../secrets/index'
import { isInside } from '../../../util/fs'

export type { SecretHit }

export function scanSecrets(
  ctx: DiscoveryContext,
  text: string,
  path: string,
  kind: SecretFileKind,
): SecretHit[] {
  try {
    return [...ctx.secrets.scanText(text, { path, kind })]
  } catch {
    // A failure in the secrets engine must not abort tool discovery; the crawl scans the file too.
    return []
  }
}

/**
 * The file kind the engine's secrets pass will scan this file as, when it will: the crawl walks
 * the home and the pass reads every file `secretFileKind` accepts. The pass then owns the key's
 * asset and findings (with its permission, git and reuse checks); discovery scans with the same
 * kind and links to the pass's assets by identity instead of reporting the key a second time.
 * Files outside the home (managed configs) are not crawled, so discovery reports those itself.
 */
export function passOwnsSecrets(ctx: DiscoveryContext, path: string): SecretFileKind | undefined {
  return isInside(path, ctx.home) ? secretFileKind(path, ctx.home) : undefined
}

/**
 * fingerprint → id of the secret asset the engine's secrets pass emits for these hits in a
 * crawl-found file it also scans (same identity, so the same id): link, do not report twice.
 */
export function passSecretIds(hits: readonly SecretHit[], path: string): Map<string, string> {
  const ids = new Map<string, string>()
  for (const hit of hits)
    if (!ids.has(hit.fingerprint))
      ids.set(hit.fingerprint, assetIdFor('secret', secretAssetIdentity(hit, path)))
  return ids
}

/**
 * Emits one `secret` asset + finding per hit (never the value: provider, line, redacted preview,
 * fingerprint) and returns fingerprint → asset id so config assets can link to the keys they use.
 */
export function emitSecretHits(
  ctx: DiscoveryContext,
  hits: readonly SecretHit[],
  path: string,
  source: string,
  where: string,
): Map<string, string> {
  const ids = new Map<string, string>()
  for (const hit of hits) {
    const asset = secretAssetFromHit(hit, path, source)
    const assetId = ctx.emitAsset({ ...asset, details: { ...asset.details, foundBy: where } })
    ctx.emitFinding({
      ...secretFindingFromHit(hit, path, assetId),
      // Not the pass's wording: the pass never emits these keys (outside its crawl), so no merge.
      message: `${hit.provider} key stored in plain text in ${where} (${hit.redacted})`,
    })
    if (!ids.has(hit.fingerprint)) ids.set(hit.fingerprint, assetId)
  }
  return ids
}

/** `${VAR}`, `${env:VAR}`, `${input:id}`, `$VAR`, `%VAR%`, `{env:VAR}` are references, not secrets. */
export function isReference(value: string): boolean {
  const v = value.trim()
  return (
    v === '' ||
    /^\$\{[^}]+\}$/.test(v) ||
    /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v) ||
    /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v) ||
    /^\{(env|file):[^}]+\}$/.test(v) ||
    /^(Bearer|Basic|Token)\s+\$\{?[A-Za-z_][A-Za-z0-9_:]*\}?$/i.test(v) ||
    /^(Bearer|Basic|Token)\s+\$\{[^}]+\}$/i.test(v)
  )
}

const SECRETISH_NAME =
  /(api[_-]?key|apikey|token|secret|passw(or)?d|auth|credential|private[_-]?key|access[_-]?key|bearer|cookie|session)/i

export function looksSecretName(name: string): boolean {
  return SECRETISH_NAME.test(name)
}

/**
 * A URL safe to store: userinfo (`user:token@`) and secret-looking query values replaced by
 * `redacted`; an unparsable one loses its query and fragment, and its userinfo.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const u = new URL(url)
    if (u.username) u.username = 'redacted'
    if (u.password) u.password = 'redacted'
    for (const k of [...u.searchParams.keys()])
      if (looksSecretName(k) || k.toLowerCase() === 'key') u.searchParams.set(k, 'redacted')
    return u.toString()
  } catch {
    // Unparsable (a scp-style git URL, a bad port): the credential part goes by pattern.
    return url.replace(/[?#].*$/, '').replace(/\/\/[^/@\s]*@/, '//redacted@')
  }
}
