import { join } from 'node:path'
import type { Locator } from '../types'
import { baseDirs } from '../paths'
import { scanFolderStores } from './folder-store'

/**
 * Jan: `<data folder>/models/<provider>/<model>/{*.gguf, model.json|model.yml}`. The data folder
 * is `~/Library/Application Support/Jan/data` (macOS), `~/.local/share/Jan/data` (Linux),
 * `%APPDATA%\Jan\data` (Windows) or the older `~/jan`. Only `models` is claimed: threads and
 * settings stay visible to the crawl (they can hold keys).
 */
export const JAN_LOCATOR: Locator = {
  id: 'jan',
  title: 'Jan models',
  async locate(ctx) {
    const b = baseDirs(ctx)
    const dataDirs =
      ctx.platform === 'win32' ? [join(b.appData, 'Jan', 'data')] : [join(b.data, 'Jan', 'data')]
    await scanFolderStores(
      ctx,
      [...dataDirs, join(ctx.home, 'jan')].map((d) => join(d, 'models')),
      {
        source: 'jan',
        maxDepth: 4,
        detailsOf: (f) => {
          const parts = f.rel.split('/')
          return parts.length >= 3 ? { provider: parts[0] ?? '', model: parts[1] ?? '' } : {}
        },
      },
    )
  },
}
