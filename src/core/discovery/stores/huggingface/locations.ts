import { join } from 'node:path'
import { assetIdFor } from '../../../util/ids'
import type { AssetKind } from '../../../types'
import { baseDirs, envPath } from '../../paths'
import type { DiscoveryContext } from '../../types'
import { isDir } from '../../../util/fs'
import { uniq } from '../store-kit'

/** `HF_HOME` (default `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`). */
export function hfHomes(ctx: DiscoveryContext): string[] {
  const b = baseDirs(ctx)
  const env = envPath(ctx, 'HF_HOME')
  return uniq([
    ...(env ? [env] : []),
    join(b.dotCache, 'huggingface'),
    join(ctx.home, '.cache', 'huggingface'),
  ])
}

/**
 * Hub cache dirs in precedence order: HF_HUB_CACHE, legacy HUGGINGFACE_HUB_CACHE and
 * TRANSFORMERS_CACHE, then `<HF_HOME>/hub`. All existing ones are scanned (a user who changed
 * HF_HOME often still has the old default cache).
 */
export function hfHubDirs(ctx: DiscoveryContext): string[] {
  const env = ['HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'TRANSFORMERS_CACHE']
    .map((n) => envPath(ctx, n))
    .filter((d): d is string => d !== undefined)
  return uniq([...env, ...hfHomes(ctx).map((h) => join(h, 'hub'))])
}

export function hfDatasetsDirs(ctx: DiscoveryContext): string[] {
  const env = envPath(ctx, 'HF_DATASETS_CACHE')
  return uniq([...(env ? [env] : []), ...hfHomes(ctx).map((h) => join(h, 'datasets'))])
}

export type HfRepoType = 'model' | 'dataset'

/** Cache folder name for a repo id: `models--org--name`. */
export function hfRepoFolder(type: HfRepoType, repoId: string): string {
  return `${type}s--${repoId.split('/').join('--')}`
}

/** `models--org--name` → `{type: 'model', repoId: 'org/name'}`. */
export function parseRepoFolder(
  name: string,
): { type: HfRepoType | 'space'; repoId: string } | undefined {
  const parts = name.split('--')
  if (parts.length < 2 || parts.some((p) => p.length === 0)) return undefined
  const prefix = parts[0]
  const repoId = parts.slice(1).join('/')
  if (prefix === 'models') return { type: 'model', repoId }
  if (prefix === 'datasets') return { type: 'dataset', repoId }
  if (prefix === 'spaces') return { type: 'space', repoId }
  return undefined
}

export function hfAssetKind(type: HfRepoType): AssetKind {
  return type === 'model' ? 'model' : 'dataset'
}

/**
 * Identity scheme: a cached repo's asset identity is its cache folder path
 * (`<hub>/models--org--name`), so anything that knows a repo id can compute the asset id without
 * the scan state (notebooks and PEFT adapters link to it this way).
 */
export function hfRepoAssetId(repoDir: string, type: HfRepoType): string {
  return assetIdFor(hfAssetKind(type), repoDir)
}

/** The asset id of a repo when it is present in one of the hub caches. */
export async function findCachedHfRepo(
  ctx: DiscoveryContext,
  repoId: string,
  type: HfRepoType = 'model',
): Promise<{ path: string; assetId: string } | undefined> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repoId)) return undefined
  for (const hub of hfHubDirs(ctx)) {
    const dir = join(hub, hfRepoFolder(type, repoId))
    if (await isDir(join(dir, 'snapshots'))) return { path: dir, assetId: hfRepoAssetId(dir, type) }
  }
  return undefined
}
