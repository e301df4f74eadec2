import { extname, join } from 'node:path'
import { baseDirs, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { listDir, reportFsError } from '../../../util/fs'
import type { ConfigFormat } from '../util/parse'
import { MCP_BLOCK_DIRS, MCP_CLIENTS } from './clients'
import { analyzeMcpConfig } from './emit'

export function blockFormat(path: string): ConfigFormat | undefined {
  const ext = extname(path).toLowerCase()
  return ext === '.yaml' || ext === '.yml' ? 'yaml' : ext === '.json' ? 'json' : undefined
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  const real = scanningRealHome(ctx)
  const seen = new Set<string>()
  for (const spec of MCP_CLIENTS) {
    if (spec.systemOnly && !real) continue
    for (const path of spec.paths(d, ctx)) {
      if (seen.has(path)) continue
      seen.add(path)
      try {
        await analyzeMcpConfig(ctx, {
          client: spec.client,
          path,
          format: spec.format,
          shape: spec.shape,
          scope: spec.scope ?? 'user',
          maxBytes: spec.maxBytes,
        })
      } catch (e) {
        reportFsError(ctx, path, e)
      }
    }
  }
  for (const b of MCP_BLOCK_DIRS) {
    const dir = b.dir(d)
    for (const ent of await listDir(ctx, dir)) {
      const path = join(dir, ent.name)
      const format = blockFormat(path)
      if (!ent.isFile() || !format || seen.has(path)) continue
      seen.add(path)
      await analyzeMcpConfig(ctx, {
        client: b.client,
        path,
        format,
        shape: 'mcpServers',
        scope: 'user',
      })
    }
  }
}

/** MCP servers configured for every known client at user (and, for the real home, managed) scope. */
export const mcpLocator: Locator = {
  id: 'mcp-clients',
  title: 'MCP server configurations',
  locate,
}
