import { join } from 'node:path'
import type { Locator } from '../types'
import { scanFolderStores } from './folder-store'
import { uniq } from './store-kit'

/** text-generation-webui: `<install>/models` or, in newer releases, `<install>/user_data/models`. */
export const TEXT_GENERATION_WEBUI_LOCATOR: Locator = {
  id: 'text-generation-webui',
  title: 'text-generation-webui models',
  async locate(ctx) {
    const installs = uniq([
      join(ctx.home, 'text-generation-webui'),
      join(ctx.home, 'oobabooga', 'text-generation-webui'),
    ])
    const roots = installs.flatMap((i) => [join(i, 'user_data', 'models'), join(i, 'models')])
    await scanFolderStores(ctx, roots, {
      source: 'text-generation-webui',
      maxDepth: 3,
      // Each model is a folder (HF layout) or a loose file; the folder name is the model name.
      detailsOf: (f) => ({ model: f.rel.split('/')[0] ?? '' }),
    })
  },
}
