import { basename, extname, join } from 'node:path'
import { parseYaml } from '../../util/yaml'
import type { Locator } from '../types'
import { scanFolderStore } from './folder-store'
import { ABSENT_ONLY, CONFIG_CAP_BYTES, isDir, listDir, readTextOrSkip } from '../../util/fs'
import { envPath } from '../paths'
import { guard, isRecord, uniq } from './store-kit'

/**
 * LocalAI: `MODELS_PATH` or `./models` beside the binary ([k]): `*.gguf` plus `<name>.yaml` model
 * configs whose `parameters.model` names the weights file; the config name becomes details.configName.
 */
export const LOCALAI_LOCATOR: Locator = {
  id: 'localai',
  title: 'LocalAI models',
  async locate(ctx) {
    const env = envPath(ctx, 'MODELS_PATH')
    const roots = uniq([
      ...(env ? [env] : []),
      join(ctx.home, 'LocalAI', 'models'),
      join(ctx.home, 'localai', 'models'),
      join(ctx.home, '.localai', 'models'),
    ])
    for (const root of roots)
      await guard(ctx, root, async () => {
        if (!(await isDir(root))) return
        const configs = new Map<string, string>()
        for (const e of await listDir(ctx, root, ABSENT_ONLY)) {
          if (!e.isFile() || !['.yaml', '.yml'].includes(extname(e.name))) continue
          const text = await readTextOrSkip(ctx, join(root, e.name), CONFIG_CAP_BYTES)
          try {
            const doc: unknown = text ? parseYaml(text, { maxAliasCount: 50 }) : undefined
            const params = isRecord(doc) && isRecord(doc.parameters) ? doc.parameters : undefined
            const model = params && typeof params.model === 'string' ? params.model : undefined
            const name =
              isRecord(doc) && typeof doc.name === 'string'
                ? doc.name
                : basename(e.name, extname(e.name))
            if (model) configs.set(basename(model), name)
          } catch {
            ctx.emitFinding({
              ruleId: 'store.bad-manifest',
              message: 'LocalAI model config does not parse',
              path: join(root, e.name),
            })
          }
        }
        await scanFolderStore(ctx, {
          root,
          source: 'localai',
          maxDepth: 2,
          detailsOf: (f) => {
            const c = configs.get(basename(f.path))
            return c ? { configName: c } : {}
          },
        })
      })
  },
}
