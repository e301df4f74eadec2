import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs, envPath } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { listDir } from '../../../util/fs'
import { distInfos } from './metadata'
import { AI_TOOLS, toolForPypi } from './tool-table'
import { emitTool } from '../util/tool-registry'

/** pipx and uv tool venv roots (each child is one tool's venv). */
function venvRoots(ctx: DiscoveryContext, d: BaseDirs): { manager: string; root: string }[] {
  const pipxHome = envPath(ctx, 'PIPX_HOME')
  const uvTools = envPath(ctx, 'UV_TOOL_DIR')
  return [
    ...(pipxHome ? [{ manager: 'pipx', root: join(pipxHome, 'venvs') }] : []),
    { manager: 'pipx', root: join(d.home, '.local', 'share', 'pipx', 'venvs') },
    { manager: 'pipx', root: join(d.home, '.local', 'pipx', 'venvs') },
    { manager: 'pipx', root: join(d.data, 'pipx', 'venvs') },
    { manager: 'pipx', root: join(d.home, 'pipx', 'venvs') },
    ...(uvTools ? [{ manager: 'uv', root: uvTools }] : []),
    { manager: 'uv', root: join(d.home, '.local', 'share', 'uv', 'tools') },
    { manager: 'uv', root: join(d.appData, 'uv', 'tools') },
  ]
}

const AI_PYPI = AI_TOOLS.flatMap((t) => t.pypi ?? [])

async function locate(ctx: DiscoveryContext): Promise<void> {
  const seen = new Set<string>()
  for (const { manager, root } of venvRoots(ctx, baseDirs(ctx))) {
    if (seen.has(root)) continue
    seen.add(root)
    for (const ent of await listDir(ctx, root)) {
      if (!ent.isDirectory()) continue
      const venv = join(root, ent.name)
      const dists = await distInfos(ctx, venv, AI_PYPI)
      // The venv is named after the tool it was made for; prefer that distribution.
      const main = dists.find((x) => toolForPypi(x.name) === toolForPypi(ent.name)) ?? dists[0]
      const tool = main ? toolForPypi(main.name) : undefined
      if (!main || !tool) continue
      emitTool(ctx, {
        kind: 'tool',
        path: venv,
        identity: `tool:${tool.id}@${venv}`,
        name: tool.name,
        version: main.version,
        source: manager,
        details: { tool: tool.id, package: main.name, installMethod: manager, venv },
      })
      ctx.claimDir(venv)
    }
  }
}

/** AI CLIs installed with pipx or `uv tool` (version from the venv's dist-info). */
export const pythonToolsLocator: Locator = {
  id: 'python-tools',
  title: 'pipx / uv tool AI CLIs',
  locate,
}
