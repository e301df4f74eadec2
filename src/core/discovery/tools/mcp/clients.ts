import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import type { DiscoveryContext } from '../../types'
import type { ConfigFormat } from '../util/parse'
import type { McpShape } from './types'
import { envPath } from '../../paths'

type Paths = (d: BaseDirs, ctx: DiscoveryContext) => readonly string[]

/** A user-scope MCP client config: where it lives per platform and how to read it. */
export type McpClientSpec = Readonly<{
  client: string
  format: ConfigFormat
  shape: McpShape
  scope?: string
  paths: Paths
  /** Probed only when scanning the real home (system-wide managed files). */
  systemOnly?: boolean
  /** Read cap when the file is known to grow large (defaults to CONFIG_CAP_BYTES). */
  maxBytes?: number
}>

/** VS Code-family user dirs (…/User) for every fork and the remote server installs. */
export const VSCODE_FORKS: readonly Readonly<{ client: string; dir: string }>[] = [
  { client: 'vscode', dir: 'Code' },
  { client: 'vscode-insiders', dir: 'Code - Insiders' },
  { client: 'vscodium', dir: 'VSCodium' },
  { client: 'cursor', dir: 'Cursor' },
  { client: 'windsurf', dir: 'Windsurf' },
  { client: 'kiro', dir: 'Kiro' },
  { client: 'antigravity', dir: 'Antigravity' },
  { client: 'trae', dir: 'Trae' },
]

export function vscodeUserDirs(d: BaseDirs): { client: string; dir: string }[] {
  return [
    ...VSCODE_FORKS.map((f) => ({ client: f.client, dir: join(d.config, f.dir, 'User') })),
    { client: 'vscode-server', dir: join(d.home, '.vscode-server', 'data', 'User') },
    {
      client: 'vscode-server-insiders',
      dir: join(d.home, '.vscode-server-insiders', 'data', 'User'),
    },
    { client: 'cursor-server', dir: join(d.home, '.cursor-server', 'data', 'User') },
  ]
}

/** VS Code extensions that keep their own MCP settings under globalStorage. */
const EXTENSION_MCP_FILES: readonly Readonly<{ client: string; rel: readonly string[] }>[] = [
  { client: 'cline', rel: ['saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'] },
  { client: 'roo-code', rel: ['rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'] },
  { client: 'kilo-code', rel: ['kilocode.kilo-code', 'settings', 'mcp_settings.json'] },
]

const codexHome = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'CODEX_HOME') ?? join(d.home, '.codex')
const copilotHome = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'COPILOT_HOME') ?? join(d.home, '.copilot')

/**
 * Every user-scope MCP client config, in probe order (discovery.md §3). A `client` may appear in
 * several rows; each file is read once.
 */
export const MCP_CLIENTS: readonly McpClientSpec[] = [
  {
    client: 'claude-desktop',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.config, 'Claude', 'claude_desktop_config.json')],
  },
  {
    client: 'claude-code',
    format: 'json',
    shape: 'claude-code',
    // ~/.claude.json also keeps per-project history and grows past the usual config cap.
    maxBytes: 32 * 1024 * 1024,
    paths: (d, ctx) => {
      const custom = envPath(ctx, 'CLAUDE_CONFIG_DIR')
      return [join(d.home, '.claude.json'), ...(custom ? [join(custom, '.claude.json')] : [])]
    },
  },
  {
    client: 'claude-code',
    format: 'json',
    shape: 'mcpServers',
    scope: 'managed',
    systemOnly: true,
    paths: (_d, ctx) =>
      ctx.platform === 'darwin'
        ? ['/Library/Application Support/ClaudeCode/managed-mcp.json']
        : ctx.platform === 'win32'
          ? ['C:\\ProgramData\\ClaudeCode\\managed-mcp.json']
          : ['/etc/claude-code/managed-mcp.json'],
  },
  {
    client: 'cursor',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.cursor', 'mcp.json')],
  },
  ...VSCODE_FORKS.filter((f) => ['vscode', 'vscode-insiders', 'vscodium'].includes(f.client)).map(
    (f): McpClientSpec => ({
      client: f.client,
      format: 'jsonc',
      shape: 'vscode',
      paths: (d) => [join(d.config, f.dir, 'User', 'mcp.json')],
    }),
  ),
  {
    client: 'vscode-server',
    format: 'jsonc',
    shape: 'vscode',
    paths: (d) => [join(d.home, '.vscode-server', 'data', 'User', 'mcp.json')],
  },
  {
    // Legacy `"mcp": {"servers": …}` in settings.json of every fork (read only when it has "mcp").
    client: 'vscode-settings',
    format: 'jsonc',
    shape: 'vscode-settings',
    paths: (d) => vscodeUserDirs(d).map((u) => join(u.dir, 'settings.json')),
  },
  ...EXTENSION_MCP_FILES.map((e): McpClientSpec => ({
    client: e.client,
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => vscodeUserDirs(d).map((u) => join(u.dir, 'globalStorage', ...e.rel)),
  })),
  {
    client: 'cline',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.cline', 'data', 'settings', 'cline_mcp_settings.json')],
  },
  {
    client: 'windsurf',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.codeium', 'windsurf', 'mcp_config.json')],
  },
  {
    client: 'zed',
    format: 'jsonc',
    shape: 'zed',
    paths: (d, ctx) =>
      ctx.platform === 'win32'
        ? [join(d.appData, 'Zed', 'settings.json'), join(d.dotConfig, 'zed', 'settings.json')]
        : [join(d.dotConfig, 'zed', 'settings.json')],
  },
  {
    client: 'continue',
    format: 'yaml',
    shape: 'mcpServers',
    paths: (d) => [
      join(d.home, '.continue', 'config.yaml'),
      join(d.home, '.continue', 'config.yml'),
    ],
  },
  {
    client: 'continue',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.continue', 'config.json')],
  },
  {
    client: 'codex',
    format: 'toml',
    shape: 'codex',
    paths: (d, ctx) => [join(codexHome(d, ctx), 'config.toml')],
  },
  {
    client: 'gemini-cli',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.gemini', 'settings.json')],
  },
  {
    client: 'goose',
    format: 'yaml',
    shape: 'goose',
    paths: (d, ctx) =>
      ctx.platform === 'win32'
        ? [join(d.appData, 'Block', 'goose', 'config', 'config.yaml')]
        : [join(d.dotConfig, 'goose', 'config.yaml')],
  },
  {
    client: 'copilot-cli',
    format: 'json',
    shape: 'mcpServers',
    paths: (d, ctx) => [join(copilotHome(d, ctx), 'mcp-config.json')],
  },
  {
    client: 'kiro',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.kiro', 'settings', 'mcp.json')],
  },
  {
    client: 'antigravity',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.gemini', 'antigravity', 'mcp_config.json')],
  },
  {
    client: 'opencode',
    format: 'jsonc',
    shape: 'opencode',
    paths: (d) =>
      ['opencode.json', 'opencode.jsonc', 'config.json'].map((f) =>
        join(d.dotConfig, 'opencode', f),
      ),
  },
  {
    client: 'lm-studio',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.lmstudio', 'mcp.json')],
  },
  {
    client: 'amazon-q',
    format: 'json',
    shape: 'mcpServers',
    paths: (d) => [join(d.home, '.aws', 'amazonq', 'mcp.json')],
  },
]

/** Directories of MCP block files (Continue accepts YAML blocks and Claude/Cursor/Cline JSON). */
export const MCP_BLOCK_DIRS: readonly Readonly<{ client: string; dir: (d: BaseDirs) => string }>[] =
  [{ client: 'continue', dir: (d) => join(d.home, '.continue', 'mcpServers') }]
