import { join } from 'node:path'
import { parseYaml } from '../../../util/yaml'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { listDir, readTextOrSkip } from '../../../util/fs'
import { obj, str } from '../util/parse'

/** gh extensions that are AI assistants or model clients. */
const AI_GH_EXTENSION = /^gh-(copilot|models|aw|ai|llm|gpt)([-_].*)?$/i

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  const roots = [
    join(d.home, '.local', 'share', 'gh', 'extensions'),
    join(d.localAppData, 'GitHub CLI', 'extensions'),
  ]
  for (const root of [...new Set(roots)]) {
    for (const ent of await listDir(ctx, root)) {
      if (!AI_GH_EXTENSION.test(ent.name)) continue
      const dir = join(root, ent.name)
      const text = await readTextOrSkip(ctx, join(dir, 'manifest.yml'), 64 * 1024)
      let m: Record<string, unknown> = {}
      try {
        m = text === undefined ? {} : { ...obj(parseYaml(text)) }
      } catch {
        m = {}
      }
      ctx.emitAsset({
        kind: 'tool',
        path: dir,
        identity: `tool:gh-extension:${ent.name}@${dir}`,
        name: `gh ${ent.name.replace(/^gh-/, '')}`,
        version: str(m.tag)?.replace(/^v/, ''),
        source: 'gh-extension',
        details: {
          owner: str(m.owner) ?? null,
          repository: str(m.name) ?? ent.name,
          host: str(m.host) ?? null,
          pinned: m.ispinned === true,
          installMethod: text === undefined ? 'git' : 'binary',
        },
      })
    }
  }
}

/** GitHub CLI extensions such as gh-copilot and gh-models (version from manifest.yml `tag:`). */
export const ghExtensionsLocator: Locator = {
  id: 'gh-extensions',
  title: 'GitHub CLI AI extensions',
  locate,
}
