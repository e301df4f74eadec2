import { join } from 'node:path'
import type { BaseDirs } from '../paths'
import { baseDirs, scanningRealHome } from '../paths'
import type { DiscoveryContext, Locator } from '../types'
import { secretAssetFromHit, secretFindingFromHit } from '../../secrets/index'
import { readTextBounded, statQuiet } from '../../util/fs'

/** Private key files that identify a user or machine to an AI service. */
type IdentityKeySpec = Readonly<{
  tool: string
  provider: string
  /** What the key lets its holder do, for the finding. */
  grants: string
  paths: (d: BaseDirs, ctx: DiscoveryContext) => readonly string[]
  /** Machine-wide copies (a service account's home), probed only when scanning the real home. */
  systemPaths?: (ctx: DiscoveryContext) => readonly string[]
}>

/**
 * `ollama` creates an ed25519 key on first start and signs its requests to ollama.com with it
 * (pushing models under the account the public key is added to). The Linux service keeps its own
 * in the `ollama` user's home (discovery.md §1).
 */
const IDENTITY_KEYS: readonly IdentityKeySpec[] = [
  {
    tool: 'ollama',
    provider: 'Ollama',
    grants: 'push and manage models on ollama.com as the account this key is added to',
    paths: (d) => [join(d.home, '.ollama', 'id_ed25519')],
    systemPaths: (ctx) =>
      ctx.platform === 'linux' ? ['/usr/share/ollama/.ollama/id_ed25519'] : [],
  },
]

/** Key files are a few hundred bytes; anything much bigger is not one. */
const MAX_KEY_BYTES = 64 * 1024

async function reportKey(ctx: DiscoveryContext, spec: IdentityKeySpec, path: string) {
  const read = await readTextBounded(path, MAX_KEY_BYTES)
  if (read.kind === 'error') ctx.emitSkipped(read.skip)
  if (read.kind !== 'ok') return
  const found = ctx.secrets.scanPrivateKey(read.text, { path, provider: spec.provider })
  // A public key, an empty or a garbled file at the key's path identifies nobody.
  if (!found) return
  ctx.claimFile(path)
  const { hit, facts } = found
  const asset = secretAssetFromHit(hit, path, spec.tool)
  const assetId = ctx.emitAsset({
    ...asset,
    name: `${spec.provider} identity key`,
    details: {
      ...asset.details,
      tool: spec.tool,
      keyType: facts.algorithm,
      encrypted: facts.encrypted,
      publicKeyFingerprint: facts.publicKeyFingerprint ?? null,
    },
  })
  const fp = facts.publicKeyFingerprint ? `, ${facts.publicKeyFingerprint}` : ''
  ctx.emitFinding({
    ...secretFindingFromHit(hit, path, assetId),
    message: `${spec.provider} identity key (${facts.algorithm}${fp}${facts.encrypted ? '' : ', no passphrase'}) at ${path}: whoever copies it can ${spec.grants}`,
  })
  // Mode bits mean nothing on Windows (ACLs decide there) nor for a Windows layout read elsewhere.
  if (ctx.platform === 'win32' || process.platform === 'win32') return
  const mode = (await statQuiet(path))?.mode ?? 0
  if ((mode & 0o077) === 0) return
  const world = (mode & 0o004) !== 0
  ctx.emitFinding({
    ruleId: 'posture.key-file-permissions',
    severity: world ? 'high' : 'medium',
    message: `${path} holds the ${spec.provider} identity key and is readable by ${world ? 'all users' : 'its group'} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`,
    path,
    line: hit.line,
    assetId,
  })
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  const real = scanningRealHome(ctx)
  for (const spec of IDENTITY_KEYS) {
    const paths = [...spec.paths(d, ctx), ...(real ? (spec.systemPaths?.(ctx) ?? []) : [])]
    for (const path of new Set(paths)) await reportKey(ctx, spec, path)
  }
}

/** Private keys AI tools authenticate with (Ollama's ollama.com key), with a permission check. */
export const identityKeysLocator: Locator = {
  id: 'identity-keys',
  title: 'AI tool identity keys',
  locate,
}
