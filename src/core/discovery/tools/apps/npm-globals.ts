import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs, envPath, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { listDir } from '../../../util/fs'
import { readPackageJson } from './metadata'
import { isAiNpmPackage, toolForNpm } from './tool-table'
import { emitTool } from '../util/tool-registry'

/** Global node_modules roots (npm prefix, nvm, volta, pnpm, bun), per discovery.md §2. */
async function globalRoots(ctx: DiscoveryContext, d: BaseDirs): Promise<string[]> {
  const roots = [
    join(d.home, '.npm-global', 'lib', 'node_modules'),
    join(d.home, '.npm-packages', 'lib', 'node_modules'),
    join(d.home, '.local', 'lib', 'node_modules'),
    join(d.home, '.local', 'share', 'pnpm', 'global', '5', 'node_modules'),
    join(d.home, 'Library', 'pnpm', 'global', '5', 'node_modules'),
    join(d.localAppData, 'pnpm', 'global', '5', 'node_modules'),
    join(d.home, '.bun', 'install', 'global', 'node_modules'),
    join(d.appData, 'npm', 'node_modules'),
  ]
  const prefix = envPath(ctx, 'NPM_CONFIG_PREFIX') ?? envPath(ctx, 'npm_config_prefix')
  if (prefix) roots.push(join(prefix, 'lib', 'node_modules'), join(prefix, 'node_modules'))
  for (const v of await listDir(ctx, join(d.home, '.nvm', 'versions', 'node')))
    roots.push(join(d.home, '.nvm', 'versions', 'node', v.name, 'lib', 'node_modules'))
  // Volta keeps each tool in its own image dir: tools/image/packages/<pkg>/lib/node_modules.
  const volta = join(d.home, '.volta', 'tools', 'image', 'packages')
  for (const p of await listDir(ctx, volta)) {
    if (p.name.startsWith('@'))
      for (const q of await listDir(ctx, join(volta, p.name)))
        roots.push(join(volta, p.name, q.name, 'lib', 'node_modules'))
    else roots.push(join(volta, p.name, 'lib', 'node_modules'))
  }
  if (scanningRealHome(ctx) && ctx.platform !== 'win32')
    roots.push(
      '/usr/local/lib/node_modules',
      '/opt/homebrew/lib/node_modules',
      '/usr/lib/node_modules',
    )
  return [...new Set(roots)]
}

async function packagesIn(ctx: DiscoveryContext, root: string): Promise<string[]> {
  const out: string[] = []
  for (const ent of await listDir(ctx, root)) {
    if (ent.name.startsWith('@')) {
      for (const sub of await listDir(ctx, join(root, ent.name)))
        out.push(`${ent.name}/${sub.name}`)
    } else if (!ent.name.startsWith('.')) out.push(ent.name)
  }
  return out
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  for (const root of await globalRoots(ctx, baseDirs(ctx))) {
    for (const name of await packagesIn(ctx, root)) {
      if (!isAiNpmPackage(name)) continue
      const dir = join(root, name)
      const pkg = await readPackageJson(ctx, dir)
      if (!pkg) continue
      const tool = toolForNpm(name)
      emitTool(ctx, {
        kind: 'tool',
        path: dir,
        identity: `tool:${tool?.id ?? name}@${dir}`,
        name: tool?.name ?? name,
        version: pkg.version,
        source: 'npm-global',
        details: {
          tool: tool?.id ?? null,
          package: name,
          installMethod: 'npm-global',
          packageDir: dir,
          bin: pkg.bin,
        },
      })
    }
  }
}

/** AI CLIs, SDKs and MCP servers installed as global npm packages (read from package.json). */
export const npmGlobalsLocator: Locator = {
  id: 'npm-globals',
  title: 'Global npm AI packages',
  locate,
}
