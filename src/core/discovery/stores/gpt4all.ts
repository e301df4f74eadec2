import { join } from 'node:path'
import type { Locator } from '../types'
import { baseDirs } from '../paths'
import { scanFolderStores } from './folder-store'

/** GPT4All desktop (`<data>/nomic.ai/GPT4All`, flat *.gguf) and the Python SDK (`~/.cache/gpt4all`). */
export const GPT4ALL_LOCATOR: Locator = {
  id: 'gpt4all',
  title: 'GPT4All models',
  async locate(ctx) {
    const b = baseDirs(ctx)
    await scanFolderStores(
      ctx,
      [join(b.data, 'nomic.ai', 'GPT4All'), join(b.dotCache, 'gpt4all')],
      {
        source: 'gpt4all',
        maxDepth: 1,
      },
    )
  },
}
