import { join } from 'node:path'
import type { Locator } from '../types'
import { baseDirs, envPath } from '../paths'
import { scanFolderStore } from './folder-store'
import { guard, uniq } from './store-kit'
import { ABSENT_ONLY, listDir } from '../../util/fs'

/**
 * torch hub: `$TORCH_HOME` (default `$XDG_CACHE_HOME/torch`, i.e. `~/.cache/torch` on every OS).
 * `hub/checkpoints/*` are weights (zip or legacy pickle: the scanner decides); `hub/<owner>_<repo>_<ref>/`
 * are downloaded code repositories, listed on the checkpoint assets as details.hubRepos.
 */
export const TORCH_HUB_LOCATOR: Locator = {
  id: 'torch-hub',
  title: 'PyTorch hub cache',
  async locate(ctx) {
    const env = envPath(ctx, 'TORCH_HOME')
    const homes = uniq([
      ...(env ? [env] : []),
      join(baseDirs(ctx).dotCache, 'torch'),
      join(ctx.home, '.cache', 'torch'),
    ])
    for (const t of homes) {
      const hub = join(t, 'hub')
      await guard(ctx, hub, async () => {
        const repos = (await listDir(ctx, hub, ABSENT_ONLY))
          .filter((e) => e.isDirectory() && e.name !== 'checkpoints')
          .map((e) => e.name)
        await scanFolderStore(ctx, {
          root: hub,
          source: 'torch-hub',
          maxDepth: 2,
          // Any file in checkpoints/ is a checkpoint whatever its extension; repos hold code.
          accept: (f) => f.rel.startsWith('checkpoints/'),
          detailsOf: () => ({ hubRepos: repos }),
        })
      })
    }
  },
}
