import type { Locator } from '../../types'
import { scanDatasetsCache } from './datasets-cache'
import { scanHubCache } from './hub-cache'
import { hfDatasetsDirs, hfHubDirs } from './locations'
import { guard } from '../store-kit'

export { findCachedHfRepo, hfHubDirs, hfRepoAssetId } from './locations'

/**
 * Hugging Face hub cache (models and datasets) and the datasets library cache. vLLM and mlx_lm
 * download into the same hub cache, so they need no store of their own (MLX repos are marked
 * details.framework = 'mlx').
 */
export const HUGGINGFACE_LOCATOR: Locator = {
  id: 'huggingface-cache',
  title: 'Hugging Face cache',
  async locate(ctx) {
    for (const dir of hfHubDirs(ctx)) await guard(ctx, dir, () => scanHubCache(ctx, dir))
    for (const dir of hfDatasetsDirs(ctx)) await guard(ctx, dir, () => scanDatasetsCache(ctx, dir))
  },
}
