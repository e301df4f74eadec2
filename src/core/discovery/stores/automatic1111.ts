import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../types'
import { scanFolderStore } from './folder-store'
import { isDir } from '../../util/fs'
import { guard, uniq } from './store-kit'

function a1111Roots(ctx: DiscoveryContext): string[] {
  const h = ctx.home
  return uniq([
    join(h, 'stable-diffusion-webui'),
    join(h, 'stable-diffusion-webui-forge'),
    join(h, 'Documents', 'stable-diffusion-webui'),
    join(h, 'sd', 'stable-diffusion-webui'),
  ])
}

/**
 * AUTOMATIC1111 (and Forge, same layout): `models/{Stable-diffusion,Lora,LyCORIS,VAE,ESRGAN,...}`
 * and `embeddings/`.
 */
export const AUTOMATIC1111_LOCATOR: Locator = {
  id: 'automatic1111',
  title: 'AUTOMATIC1111 / Forge models',
  async locate(ctx) {
    for (const root of a1111Roots(ctx))
      await guard(ctx, root, async () => {
        if (!(await isDir(join(root, 'models')))) return
        for (const sub of ['models', 'embeddings'])
          await scanFolderStore(ctx, {
            root: join(root, sub),
            source: 'automatic1111',
            maxDepth: 4,
            detailsOf: (f) => ({
              category: sub === 'models' ? (f.rel.split('/')[0] ?? '') : 'embeddings',
              install: root,
            }),
          })
      })
  },
}
