import { extname, join } from 'node:path'
import type { DiscoveryContext } from '../../types'
import { ABSENT_ONLY, listDir, walkFiles } from '../../../util/fs'

export const HF_DATASETS_SOURCE = 'huggingface-datasets-cache'

/** Folders of the datasets cache that are not datasets. */
const NOT_DATASETS = new Set(['downloads', 'modules', '_locks'])

/**
 * The `datasets` library cache: `<org>___<name>/<config>/<version>/<hash>/*.arrow` (one asset per
 * dataset folder, kind `dataset`). Arrow/parquet content is data, not code, so it is only sized.
 */
export async function scanDatasetsCache(ctx: DiscoveryContext, dir: string): Promise<void> {
  const entries = (await listDir(ctx, dir, ABSENT_ONLY)).filter(
    (e) => e.isDirectory() && !NOT_DATASETS.has(e.name) && !e.name.startsWith('.'),
  )
  if (entries.length === 0) return
  ctx.claimDir(dir)
  const sets: {
    path: string
    name: string
    configs: string[]
    files: number
    bytes: number
    formats: string[]
  }[] = []
  for (const e of entries) {
    const path = join(dir, e.name)
    const files = await walkFiles(ctx, path, { maxDepth: 6 })
    const configs = (await listDir(ctx, path, ABSENT_ONLY))
      .filter((c) => c.isDirectory())
      .map((c) => c.name)
    sets.push({
      path,
      // `org___name` (hub datasets) or a bare builder name (`json`, `csv`, local loaders).
      name: e.name.split('___').join('/'),
      configs,
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      formats: [
        ...new Set(files.map((f) => extname(f.path).toLowerCase()).filter((x) => x.length > 0)),
      ],
    })
  }
  const storeTotalBytes = sets.reduce((n, s) => n + s.bytes, 0)
  for (const s of sets)
    ctx.emitAsset({
      kind: 'dataset',
      path: s.path,
      name: s.name,
      source: HF_DATASETS_SOURCE,
      sizeBytes: s.bytes,
      details: {
        datasetId: s.name,
        configs: s.configs,
        fileCount: s.files,
        formats: s.formats,
        diskBytes: s.bytes,
        storeRoot: dir,
        storeTotalBytes,
      },
    })
}
