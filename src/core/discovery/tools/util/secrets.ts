import type { DiscoveryContext } from '../../types'
import { assetIdFor } from '../../../util/ids'
import type { SecretFileKind, SecretHit, SecretRuleScope } from '../../../secrets/index'
import {
  looksSecretName,
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
  scope?: SecretRuleScope,
): SecretHit[] {
  try {
    return [...ctx.secrets.scanText(text, { path, kind, ...(scope ? { scope } : {}) })]
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
  handedTo?: string,
): Map<string, string> {
  const ids = new Map<string, string>()
  for (const hit of hits) {
    const asset = secretAssetFromHit(hit, path, source)
    const assetId = ctx.emitAsset({
      ...asset,
      details: { ...asset.details, foundBy: where, ...(handedTo ? { handedTo } : {}) },
    })
    const what = `${hit.provider} ${hit.label ?? 'key'}`
    ctx.emitFinding({
      ...secretFindingFromHit(hit, path, assetId),
      // Not the pass's wording: the pass never emits these keys (outside its crawl or its rows).
      message: handedTo
        ? `${what} handed to ${handedTo} in plain text in ${where} (${hit.redacted})`
        : `${what} stored in plain text in ${where} (${hit.redacted})`,
    })
    if (!ids.has(hit.fingerprint)) ids.set(hit.fingerprint, assetId)
  }
  return ids
}

/** A value an agent receives (an env or header entry, an argument), with its own line. */
export type HandedValue = Readonly<{ name: string; value: string; line: number }>

export type HandedContext = Readonly<{
  path: string
  /** The kind the file is scanned as (the pass's kind when the pass reads it). */
  kind: SecretFileKind
  source: string
  /** `Claude Desktop config`: where the file's keys are reported from. */
  where: string
  /** `MCP server "github" (cursor, user)`: who receives the values. */
  handedTo: string
  /** fingerprint → asset id of keys already reported for this file (by the pass or this area). */
  known: Map<string, string>
}>

/**
 * Every credential handed to an agent is a `secret` asset: each value is scanned with all rows
 * (AI providers and the services agents use) and the generic fallback. A key already reported for
 * the file is linked; any other is reported here, at the value's own line. Returns the ids of the
 * secret assets the receiver uses, and the names whose values held one.
 */
export function handedSecrets(
  ctx: DiscoveryContext,
  values: readonly HandedValue[],
  h: HandedContext,
): { ids: string[]; names: string[] } {
  const ids: string[] = []
  const names: string[] = []
  for (const v of values) {
    let hits: SecretHit[]
    try {
      hits = ctx.secrets.scanNamedValue(v.name, v.value, {
        path: h.path,
        kind: h.kind,
        line: v.line,
      })
    } catch {
      // A failing scan must not abort discovery; the value is still named in mcp.literal-secret.
      continue
    }
    if (hits.length > 0 && !names.includes(v.name)) names.push(v.name)
    for (const hit of hits) {
      let id = h.known.get(hit.fingerprint)
      if (id === undefined) {
        id = emitSecretHits(ctx, [hit], h.path, h.source, h.where, h.handedTo).get(hit.fingerprint)
        if (id !== undefined) h.known.set(hit.fingerprint, id)
      }
      if (id !== undefined && !ids.includes(id)) ids.push(id)
    }
  }
  return { ids, names }
}

/** Query parameters of a URL with key-ish names (`?apiKey=…`), as values handed to the receiver. */
export function urlCredentialValues(url: string | undefined, line: number): HandedValue[] {
  if (!url) return []
  const out: HandedValue[] = [{ name: 'url', value: url, line }]
  try {
    for (const [k, v] of new URL(url).searchParams)
      if (looksSecretName(k) || k.toLowerCase() === 'key') out.push({ name: k, value: v, line })
  } catch {
    // Not a URL the WHATWG parser accepts: the whole string was still scanned above.
  }
  return out
}

export { isValueReference as isReference, looksSecretName } from '../../../secrets/index'

/** Parameter names of signed URLs and OAuth redirects that carry a credential. */
const CREDENTIAL_PARAM = /^(key|sig|signature|code|jwt)$/i

const secretParam = (k: string): boolean => looksSecretName(k) || CREDENTIAL_PARAM.test(k)

/**
 * A URL safe to store: userinfo (`user:token@`) and secret-looking query values replaced by
 * `redacted`, and so are the fragment's (`#access_token=…` of an OAuth implicit flow); an
 * unparsable one loses its query and fragment, and its userinfo.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const u = new URL(url)
    if (u.username) u.username = 'redacted'
    if (u.password) u.password = 'redacted'
    for (const k of [...u.searchParams.keys()])
      if (secretParam(k)) u.searchParams.set(k, 'redacted')
    if (u.hash.includes('=')) {
      const f = new URLSearchParams(u.hash.slice(1))
      for (const k of [...f.keys()]) if (secretParam(k)) f.set(k, 'redacted')
      u.hash = f.toString()
    }
    return u.toString()
  } catch {
    // Unparsable (a scp-style git URL, a bad port): the credential part goes by pattern.
    return url.replace(/[?#].*$/, '').replace(/\/\/[^/@\s]*@/, '//redacted@')
  }
}
