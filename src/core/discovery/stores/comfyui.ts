import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../types'
import { baseDirs } from '../paths'
import { scanExtraModelPaths } from './extra-model-paths'
import { scanFolderStore } from './folder-store'
import { isDir, isFile } from '../../util/fs'
import { guard, uniq } from './store-kit'

/** Where ComfyUI installs usually live ([k]: installs can be anywhere; the crawl finds the rest). */
function comfyRoots(ctx: DiscoveryContext): string[] {
  const h = ctx.home
  return uniq([
    join(h, 'ComfyUI'),
    join(h, 'comfyui'),
    join(h, 'comfy', 'ComfyUI'),
    join(h, 'Documents', 'ComfyUI'),
    join(h, 'src', 'ComfyUI'),
    join(h, 'ComfyUI_windows_portable', 'ComfyUI'),
  ])
}

/**
 * ComfyUI: `<root>/models/<category>/...` plus the folders named by `<root>/extra_model_paths.yaml`
 * and by the Desktop app's `extra_models_config.yaml` in its config folder.
 */
export async function scanComfyRoot(ctx: DiscoveryContext, root: string): Promise<void> {
  if (!(await isDir(join(root, 'models')))) return
  await scanFolderStore(ctx, {
    root: join(root, 'models'),
    source: 'comfyui',
    maxDepth: 4,
    detailsOf: (f) => ({ category: f.rel.split('/')[0] ?? '', install: root }),
  })
  const yaml = join(root, 'extra_model_paths.yaml')
  if (await isFile(yaml)) await scanExtraModelPaths(ctx, yaml, 'comfyui')
}

export const COMFYUI_LOCATOR: Locator = {
  id: 'comfyui',
  title: 'ComfyUI models',
  async locate(ctx) {
    for (const root of comfyRoots(ctx)) await guard(ctx, root, () => scanComfyRoot(ctx, root))
    const desktop = join(baseDirs(ctx).config, 'ComfyUI', 'extra_models_config.yaml')
    await guard(ctx, desktop, async () => {
      if (await isFile(desktop)) await scanExtraModelPaths(ctx, desktop, 'comfyui')
    })
  },
}
