import { basename, dirname, isAbsolute, join } from 'node:path'
import type { AssetLink, DetailValue } from '../../types'
import type { DiscoveryContext, FileAnalyzer } from '../types'
import { isDir, isFile, readJsonBounded } from '../../util/fs'
import { findCachedHfRepo } from './huggingface/locations'
import { isRecord, num, str } from './store-kit'

/** Weight file names PEFT writes beside adapter_config.json, preferred first. */
const ADAPTER_WEIGHTS = ['adapter_model.safetensors', 'adapter_model.bin', 'adapter_model.pt']

export type AdapterInfo = Readonly<{ details: Record<string, DetailValue>; links: AssetLink[] }>

/** Reads the adapter facts worth keeping and resolves the base model to a cached HF repo asset. */
export async function readAdapterConfig(
  ctx: DiscoveryContext,
  configPath: string,
): Promise<AdapterInfo | undefined> {
  const read = await readJsonBounded(ctx, configPath)
  if (!read) return undefined
  if (!read.ok || !isRecord(read.value)) {
    ctx.emitFinding({
      ruleId: 'store.bad-manifest',
      message: `adapter_config.json is not a JSON object${read.ok ? '' : `: ${read.error}`}`,
      path: configPath,
    })
    return undefined
  }
  const c = read.value
  const details: Record<string, DetailValue> = {
    adapter: str(c.peft_type) ?? 'peft',
    adapterConfig: configPath,
  }
  const set = (k: string, v: DetailValue | undefined) => {
    if (v !== undefined) details[k] = v
  }
  set('taskType', str(c.task_type))
  set('rank', num(c.r))
  set('loraAlpha', num(c.lora_alpha))
  if (Array.isArray(c.target_modules))
    details.targetModules = c.target_modules
      .filter((m): m is string => typeof m === 'string')
      .slice(0, 64)
  else set('targetModules', str(c.target_modules))
  const links: AssetLink[] = []
  const base = str(c.base_model_name_or_path)
  if (!base) {
    ctx.emitFinding({
      ruleId: 'store.adapter-unknown-base',
      message: 'adapter_config.json has no base_model_name_or_path',
      path: configPath,
    })
  } else {
    details.baseModel = base
    const local = isAbsolute(base)
      ? base
      : base.startsWith('.')
        ? join(dirname(configPath), base)
        : undefined
    if (local && (await isDir(local))) details.baseModelPath = local
    const cached = local ? undefined : await findCachedHfRepo(ctx, base)
    if (cached) {
      details.baseModelCachePath = cached.path
      links.push({ to: cached.assetId, relation: 'adapter-of' })
    }
  }
  set('revision', str(c.revision))
  return { details, links }
}

/**
 * PEFT/LoRA adapters found by the crawl. The adapter's asset is its weights file added through
 * ctx.addModel (identity = the weights path, the same identity a loose-file add gives, so the two
 * merge), with details.baseModel and an `adapter-of` link to the base model's HF cache asset
 * (identity = the repo's cache folder, see huggingface/locations.ts). Without weights the adapter
 * folder itself is listed.
 */
export const PEFT_ADAPTER_ANALYZER: FileAnalyzer = {
  id: 'peft-adapter',
  names: ['adapter_config.json'],
  async analyze(path, ctx) {
    const info = await readAdapterConfig(ctx, path)
    if (!info) return
    const dir = dirname(path)
    for (const w of ADAPTER_WEIGHTS) {
      const weights = join(dir, w)
      if (!(await isFile(weights))) continue
      await ctx.addModel(weights, {
        source: 'crawl',
        name: `${basename(dir)} (adapter)`,
        details: info.details,
        links: info.links,
      })
      ctx.claimFile(weights)
      return
    }
    ctx.emitAsset({
      kind: 'model',
      path: dir,
      name: `${basename(dir)} (adapter)`,
      format: 'peft-adapter',
      source: 'crawl',
      details: { ...info.details, missingWeights: true },
      links: info.links,
    })
  },
}
