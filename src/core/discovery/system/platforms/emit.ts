import type { SecretFileKind } from '../../../secrets/index'
import type { Details } from '../../../types'
import type { DiscoveryContext } from '../../types'
import { scanSecrets, type EmittedSecret } from '../secret-hits'

/** A token-bearing key found by structure (never its value). */
export type CredentialKey = Readonly<{ path: string; line: number; key: string; profile?: string }>

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
 * asset + finding each, linked with `uses-secret`); credential keys the engine did not recognise
 * still raise `platform.token-in-config` so a plaintext credential is never silently missed.
 */
export function emitPlatform(ctx: DiscoveryContext, p: PlatformInput): string {
  const secrets: EmittedSecret[] = []
  for (const t of p.texts ?? []) {
    const hits = scanSecrets(ctx, t.text, t.path, t.kind, p.source)
    secrets.push(...(t.linkLines ? hits.filter((h) => t.linkLines?.(h.line)) : hits))
  }
  const covered = new Set(secrets.map((s) => `${s.path}:${s.line}`))
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
  for (const c of p.credentials ?? []) {
    if (covered.has(`${c.path}:${c.line}`)) continue
    ctx.emitFinding({
      ruleId: 'platform.token-in-config',
      message: `${p.title} credential \`${c.key}\`${c.profile ? ` (profile ${c.profile})` : ''} is stored in plain text in ${c.path}:${c.line} (value not shown).`,
      path: c.path,
      line: c.line,
      assetId,
    })
  }
  return assetId
}
