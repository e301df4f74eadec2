import type { SecretFileKind, SecretHit } from '../../../secrets/index'
import { secretAssetFromHit } from '../../../secrets/index'
import type { Details } from '../../../types'
import type { DiscoveryContext } from '../../types'
import { scanSecrets, type EmittedSecret } from '../secret-hits'

/**
 * A token-bearing key found by structure. `value` is handed to the secrets engine and dropped:
 * no asset, finding or detail ever carries it.
 */
export type CredentialKey = Readonly<{
  path: string
  line: number
  key: string
  profile?: string
  value?: string
}>

export type ConfigText = Readonly<{
  path: string
  text: string
  /** Passed to the secrets engine as the file kind. */
  kind: SecretFileKind
  /** Only hits on these lines are linked to the platform (a .netrc also holds other hosts' passwords). */
  linkLines?: (line: number) => boolean
}>

export type PlatformInput = Readonly<{
  /** Platform id, e.g. `databricks`, `aws`, `kubernetes`. */
  platform: string
  /** Human title, e.g. `Databricks`. */
  title: string
  /** The config file (or `env:NAME` when only env vars configure it). */
  path: string
  source: string
  details: Details
  texts?: readonly ConfigText[]
  credentials?: readonly CredentialKey[]
  /** Env variable NAMES that configure this platform (values are never read into the asset). */
  envKeys?: readonly string[]
}>

/** Env var names present in the scanning env (names only). */
export function presentEnvKeys(ctx: DiscoveryContext, names: readonly string[]): string[] {
  return names.filter((n) => (ctx.env[n] ?? '') !== '')
}

/**
 * Emits an `ai-platform` asset: secrets in its files go through the secrets engine first (secret
 * asset + finding each, linked with `uses-secret`). A credential key no row recognised is still a
 * `secret` asset, attributed to the platform, with the `platform.token-in-config` finding; one the
 * engine cannot judge (no value read) raises that finding on the platform, so a plaintext
 * credential is never silently missed.
 */
export function emitPlatform(ctx: DiscoveryContext, p: PlatformInput): string {
  const secrets: EmittedSecret[] = []
  for (const t of p.texts ?? []) {
    const hits = scanSecrets(ctx, t.text, t.path, t.kind, p.source)
    secrets.push(...(t.linkLines ? hits.filter((h) => t.linkLines?.(h.line)) : hits))
  }
  const covered = new Set(secrets.map((s) => `${s.path}:${s.line}`))
  const unrecognised: CredentialKey[] = []
  const tokenFindings: { c: CredentialKey; assetId: string }[] = []
  for (const c of p.credentials ?? []) {
    if (covered.has(`${c.path}:${c.line}`)) continue
    const hit = c.value === undefined ? undefined : credentialHit(ctx, p, c, c.value)
    if (!hit) {
      unrecognised.push(c)
      continue
    }
    const assetId = ctx.emitAsset(secretAssetFromHit(hit, c.path, p.source))
    secrets.push({ assetId, line: c.line, path: c.path })
    covered.add(`${c.path}:${c.line}`)
    tokenFindings.push({ c, assetId })
  }
  const assetId = ctx.emitAsset({
    kind: 'ai-platform',
    path: p.path,
    identity: `${p.platform}:${p.path}`,
    name: p.title,
    source: p.source,
    details: {
      platform: p.platform,
      ...p.details,
      envKeys: [...(p.envKeys ?? [])],
      credentialKeys: (p.credentials ?? []).map((c) => ({
        key: c.key,
        line: c.line,
        profile: c.profile ?? null,
      })),
    },
    links: [...new Set(secrets.map((s) => s.assetId))].map((to) => ({
      to,
      relation: 'uses-secret',
    })),
  })
  const message = (c: CredentialKey): string =>
    `${p.title} credential \`${c.key}\`${c.profile ? ` (profile ${c.profile})` : ''} is stored in plain text in ${c.path}:${c.line} (value not shown).`
  for (const t of tokenFindings)
    ctx.emitFinding({
      ruleId: 'platform.token-in-config',
      message: message(t.c),
      path: t.c.path,
      line: t.c.line,
      assetId: t.assetId,
    })
  for (const c of unrecognised)
    ctx.emitFinding({
      ruleId: 'platform.token-in-config',
      message: message(c),
      path: c.path,
      line: c.line,
      assetId,
    })
  return assetId
}

/** The secret hit of a credential value, attributed to the platform when no row knows it. */
function credentialHit(
  ctx: DiscoveryContext,
  p: PlatformInput,
  c: CredentialKey,
  value: string,
): SecretHit | undefined {
  const kind = p.texts?.find((t) => t.path === c.path)?.kind ?? 'ini'
  try {
    return ctx.secrets.scanNamedValue(c.key, value, {
      path: c.path,
      kind,
      line: c.line,
      platform: p.title,
    })[0]
  } catch {
    return undefined
  }
}
