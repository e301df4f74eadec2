import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parseYaml } from '../../util/yaml'
import type { DiscoveryContext, FileAnalyzer } from '../types'
import { scanFolderStore } from './folder-store'
import { CONFIG_CAP_BYTES, isDir, readTextOrSkip } from '../../util/fs'
import { claimedOrUnder, isRecord } from './store-kit'

/** Keys of an extra_model_paths.yaml group that are settings, not model folders. */
const NOT_FOLDERS = new Set(['base_path', 'is_default', 'download_model_base'])

export type ExtraModelFolder = Readonly<{ group: string; category: string; path: string }>

function expandHome(ctx: DiscoveryContext, p: string): string {
  return p === '~' || p.startsWith('~/') ? join(ctx.home, p.slice(1)) : p
}

/**
 * Parses ComfyUI's extra_model_paths.yaml: `<group>: {base_path, <category>: "path\npath2"}`.
 * Relative paths resolve against base_path, and base_path against the YAML file's folder.
 * Malformed YAML is a `store.bad-manifest` finding.
 */
export async function readExtraModelPaths(
  ctx: DiscoveryContext,
  file: string,
): Promise<ExtraModelFolder[]> {
  const text = await readTextOrSkip(ctx, file, CONFIG_CAP_BYTES)
  if (text === undefined) return []
  let doc: unknown
  try {
    doc = parseYaml(text, { maxAliasCount: 50 })
  } catch (e) {
    ctx.emitFinding({
      ruleId: 'store.bad-manifest',
      message: `extra_model_paths.yaml does not parse: ${(e as Error).message}`,
      path: file,
    })
    return []
  }
  if (!isRecord(doc)) return []
  const out: ExtraModelFolder[] = []
  for (const [group, g] of Object.entries(doc)) {
    if (!isRecord(g)) continue
    const rawBase = typeof g.base_path === 'string' ? expandHome(ctx, g.base_path.trim()) : ''
    const base = rawBase
      ? isAbsolute(rawBase)
        ? rawBase
        : resolve(dirname(file), rawBase)
      : dirname(file)
    for (const [category, v] of Object.entries(g)) {
      if (NOT_FOLDERS.has(category) || typeof v !== 'string') continue
      for (const line of v.split(/\r?\n/)) {
        const p = expandHome(ctx, line.trim())
        if (p) out.push({ group, category, path: isAbsolute(p) ? p : resolve(base, p) })
      }
    }
  }
  return out
}

/** Scans every folder an extra_model_paths.yaml names (outside the install, often outside home). */
export async function scanExtraModelPaths(
  ctx: DiscoveryContext,
  file: string,
  source: string,
): Promise<void> {
  for (const f of await readExtraModelPaths(ctx, file)) {
    if (claimedOrUnder(ctx, f.path) || !(await isDir(f.path))) continue
    await scanFolderStore(ctx, {
      root: f.path,
      source,
      maxDepth: 3,
      detailsOf: () => ({
        category: f.category,
        extraModelPathsGroup: f.group,
        extraModelPathsFile: file,
      }),
    })
  }
}

/** The crawl may find ComfyUI installs the locator does not know: follow their YAML too. */
export const EXTRA_MODEL_PATHS_ANALYZER: FileAnalyzer = {
  id: 'comfyui-extra-model-paths',
  names: ['extra_model_paths.yaml', 'extra_models_config.yaml'],
  analyze: (path, ctx) => scanExtraModelPaths(ctx, path, 'comfyui'),
}
