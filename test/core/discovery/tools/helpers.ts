import { readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import { TOOLS_ANALYZERS } from '../../../../src/core/discovery/tools/analyzers'
import type { DiscoveryContext } from '../../../../src/core/discovery/types'
import { assetIdFor } from '../../../../src/core/engine/asset-id'
import {
  createSecretScanner,
  createSecretsPass,
  secretFileKind,
} from '../../../../src/core/secrets/index'
import type { CollectedAsset } from '../../../helpers/discovery-context'

export const PLATFORMS = ['linux', 'darwin', 'win32'] as const

const FINGERPRINT_KEY = new Uint8Array(32).fill(5)

export function realSecrets() {
  return createSecretScanner({ fingerprintKey: FINGERPRINT_KEY })
}

/** Ids of the secret assets the engine's secrets pass emits for one file (same key as above). */
export async function passAssetIds(home: string, path: string): Promise<string[]> {
  const kind = secretFileKind(path, home)
  if (!kind) return []
  const r = await createSecretsPass({ fingerprintKey: FINGERPRINT_KEY, home }).analyzeFile(
    path,
    kind,
  )
  return r.assets.map((a) => assetIdFor('secret', a.identity ?? a.path))
}

const PRUNE = new Set(['node_modules', '.git', '__pycache__'])

/** What the engine's crawl does for this area: dispatch files by base name or extension. */
export async function crawl(ctx: DiscoveryContext, dir: string): Promise<void> {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name)
    if (ent.isDirectory()) {
      if (!PRUNE.has(ent.name)) await crawl(ctx, p)
      continue
    }
    if (!ent.isFile() || ctx.isClaimed(p)) continue
    const ext = extname(ent.name).toLowerCase()
    for (const a of TOOLS_ANALYZERS) {
      const hit = a.names?.includes(ent.name) || a.extensions?.includes(ext)
      if (hit && (!a.accepts || a.accepts(p))) await a.analyze(p, ctx)
    }
  }
}

export function byName(
  assets: readonly CollectedAsset[],
  kind: string,
  name: string,
): CollectedAsset[] {
  return assets.filter((a) => a.kind === kind && a.name === name)
}

export function one(assets: readonly CollectedAsset[], kind: string, name: string): CollectedAsset {
  const found = byName(assets, kind, name)
  if (found.length !== 1) throw new Error(`expected one ${kind} "${name}", got ${found.length}`)
  return found[0]!
}
