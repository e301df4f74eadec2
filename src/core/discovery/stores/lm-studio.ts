import { join } from 'node:path'
import type { Locator } from '../types'
import { scanFolderStores } from './folder-store'

/**
 * LM Studio: new layout `~/.lmstudio/models/<publisher>/<model>/<file>` and the old
 * `~/.cache/lm-studio/models` (same layout, same relative place on every platform).
 */
export const LM_STUDIO_LOCATOR: Locator = {
  id: 'lm-studio',
  title: 'LM Studio models',
  async locate(ctx) {
    await scanFolderStores(
      ctx,
      [join(ctx.home, '.lmstudio', 'models'), join(ctx.home, '.cache', 'lm-studio', 'models')],
      {
        source: 'lm-studio',
        maxDepth: 4,
        detailsOf: (f) => {
          const [publisher, model] = f.rel.split('/')
          return f.rel.split('/').length >= 3
            ? { publisher: publisher ?? '', model: model ?? '' }
            : {}
        },
      },
    )
  },
}
