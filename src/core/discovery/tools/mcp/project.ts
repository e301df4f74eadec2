import { dirname } from 'node:path'
import type { DiscoveryContext } from '../../types'
import { analyzeMcpConfig } from './emit'
import type { McpSource } from './emit'
import { blockFormat } from './locator'

type Route = Readonly<{
  test: RegExp
  source: (path: string) => Omit<McpSource, 'path'> | undefined
}>

const up = (p: string, n: number): string => (n === 0 ? p : up(dirname(p), n - 1))

/**
 * Project-scope MCP files the crawl finds, keyed by where they sit. The scope names the project
 * directory so the same server name in two repositories gives two assets.
 */
const ROUTES: readonly Route[] = [
  {
    test: /(^|[\\/])\.mcp\.json$/,
    source: (p) => ({
      client: 'claude-code',
      format: 'json',
      shape: 'mcpServers',
      scope: `project:${up(p, 1)}`,
    }),
  },
  {
    test: /[\\/]\.cursor[\\/]mcp\.json$/,
    source: (p) => ({
      client: 'cursor',
      format: 'json',
      shape: 'mcpServers',
      scope: `project:${up(p, 2)}`,
    }),
  },
  {
    test: /[\\/]\.vscode[\\/]mcp\.json$/,
    source: (p) => ({
      client: 'vscode',
      format: 'jsonc',
      shape: 'vscode',
      scope: `workspace:${up(p, 2)}`,
    }),
  },
  {
    test: /[\\/]\.vscode[\\/]settings\.json$/,
    source: (p) => ({
      client: 'vscode-settings',
      format: 'jsonc',
      shape: 'vscode-settings',
      scope: `workspace:${up(p, 2)}`,
    }),
  },
  {
    test: /[\\/]\.kiro[\\/]settings[\\/]mcp\.json$/,
    source: (p) => ({
      client: 'kiro',
      format: 'json',
      shape: 'mcpServers',
      scope: `project:${up(p, 3)}`,
    }),
  },
  {
    test: /[\\/]\.roo[\\/]mcp\.json$/,
    source: (p) => ({
      client: 'roo-code',
      format: 'json',
      shape: 'mcpServers',
      scope: `project:${up(p, 2)}`,
    }),
  },
  {
    test: /[\\/]\.gemini[\\/]settings\.json$/,
    source: (p) => ({
      client: 'gemini-cli',
      format: 'json',
      shape: 'mcpServers',
      scope: `project:${up(p, 2)}`,
    }),
  },
  {
    test: /[\\/]\.codex[\\/]config\.toml$/,
    source: (p) => ({
      client: 'codex',
      format: 'toml',
      shape: 'codex',
      scope: `project:${up(p, 2)}`,
    }),
  },
  {
    test: /(^|[\\/])opencode\.jsonc?$/,
    source: (p) => ({
      client: 'opencode',
      format: 'jsonc',
      shape: 'opencode',
      scope: `project:${up(p, 1)}`,
    }),
  },
  {
    test: /[\\/]\.continue[\\/]mcpServers[\\/][^\\/]+\.(ya?ml|json)$/i,
    source: (p) => {
      const format = blockFormat(p)
      return format
        ? { client: 'continue', format, shape: 'mcpServers', scope: `project:${up(p, 3)}` }
        : undefined
    },
  },
]

/** Base names and extensions that may be project MCP configs (the crawl's dispatch keys). */
export const MCP_PROJECT_NAMES: readonly string[] = [
  '.mcp.json',
  'mcp.json',
  'settings.json',
  'config.toml',
  'opencode.json',
  'opencode.jsonc',
]
export const MCP_PROJECT_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json']

export function mcpProjectSource(path: string): McpSource | undefined {
  for (const r of ROUTES) {
    if (!r.test.test(path)) continue
    const s = r.source(path)
    if (s) return { ...s, path }
  }
  return undefined
}

export async function analyzeMcpProjectFile(path: string, ctx: DiscoveryContext): Promise<void> {
  const src = mcpProjectSource(path)
  if (src) await analyzeMcpConfig(ctx, src)
}
