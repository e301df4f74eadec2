import { join } from 'node:path'
import type { Locator } from '../types'
import { scanFolderStore } from './folder-store'
import { ABSENT_ONLY, listDir, statQuiet, walkFiles } from '../../util/fs'
import { envPath } from '../paths'
import { guard, uniq } from './store-kit'

/** Keras: `$KERAS_HOME` (default `~/.keras`) with `models/` (weights) and `datasets/` (kind dataset). */
export const KERAS_LOCATOR: Locator = {
  id: 'keras',
  title: 'Keras cache',
  async locate(ctx) {
    const env = envPath(ctx, 'KERAS_HOME')
    for (const k of uniq([...(env ? [env] : []), join(ctx.home, '.keras')])) {
      await scanFolderStore(ctx, {
        root: join(k, 'models'),
        source: 'keras',
        maxDepth: 2,
        accept: () => true,
      })
      const datasets = join(k, 'datasets')
      await guard(ctx, datasets, async () => {
        const entries = await listDir(ctx, datasets, ABSENT_ONLY)
        if (entries.length === 0) return
        ctx.claimDir(datasets)
        for (const e of entries) {
          const p = join(datasets, e.name)
          const bytes = e.isDirectory()
            ? (await walkFiles(ctx, p, { maxDepth: 4 })).reduce((n, f) => n + f.size, 0)
            : ((await statQuiet(p))?.size ?? 0)
          ctx.emitAsset({
            kind: 'dataset',
            path: p,
            name: e.name,
            source: 'keras',
            sizeBytes: bytes,
            details: { diskBytes: bytes, storeRoot: datasets },
          })
        }
      })
    }
  },
}
