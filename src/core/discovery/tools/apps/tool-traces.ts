import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import type { DiscoveryContext } from '../../types'
import { envPath } from '../../paths'

/**
 * What AI tools leave behind when they are used: session transcripts, histories, caches, login
 * state. A tool whose binary is not on PATH (installed elsewhere, removed, run through npx) or
 * whose config file a locator keys on is absent still shows in these folders, so they are
 * evidence that it is in use. Config files other locators read (settings.json, config.toml,
 * ~/.claude.json) are not traces: they are those locators' assets. Ids match the tool table (tool-table.ts) and the app table
 * (app-table.ts): evidence joins an installed tool's or app's asset when there is one.
 */
export type TraceSpec = Readonly<{
  id: string
  name: string
  /** The tool's own data folder: the path of a tool known only by its traces. */
  root: (d: BaseDirs, ctx: DiscoveryContext) => string
  /** Folders and files whose presence shows use (absolute; missing ones are skipped). */
  traces: (d: BaseDirs, ctx: DiscoveryContext) => readonly string[]
}>

const under = (root: string, names: readonly string[]): string[] => names.map((n) => join(root, n))

const claudeRoot = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'CLAUDE_CONFIG_DIR') ?? join(d.home, '.claude')
const codexRoot = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'CODEX_HOME') ?? join(d.home, '.codex')
const copilotRoot = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'COPILOT_HOME') ?? join(d.home, '.copilot')
const gooseData = (d: BaseDirs, ctx: DiscoveryContext): string =>
  ctx.platform === 'win32'
    ? join(d.appData, 'Block', 'goose', 'data')
    : join(d.home, '.local', 'share', 'goose')

export const TOOL_TRACES: readonly TraceSpec[] = [
  {
    id: 'claude-code',
    name: 'Claude Code',
    root: claudeRoot,
    traces: (d, ctx) => [
      ...under(claudeRoot(d, ctx), [
        'projects',
        'todos',
        'history.jsonl',
        'shell-snapshots',
        'statsig',
        'ide',
        'plans',
        'file-history',
      ]),
    ],
  },
  {
    id: 'codex',
    name: 'OpenAI Codex CLI',
    root: codexRoot,
    traces: (d, ctx) =>
      under(codexRoot(d, ctx), ['sessions', 'history.jsonl', 'log', 'auth.json', 'version.json']),
  },
  {
    id: 'gemini-cli',
    name: 'Gemini CLI',
    root: (d) => join(d.home, '.gemini'),
    traces: (d) =>
      under(join(d.home, '.gemini'), [
        'tmp',
        'history',
        'oauth_creds.json',
        'google_accounts.json',
        'installation_id',
      ]),
  },
  {
    id: 'cursor-agent',
    name: 'Cursor Agent CLI',
    root: (d) => join(d.home, '.cursor'),
    traces: (d) => under(join(d.home, '.cursor'), ['cli-config.json', 'chats']),
  },
  {
    id: 'cursor',
    name: 'Cursor',
    root: (d) => join(d.config, 'Cursor'),
    traces: (d) => [
      ...under(join(d.config, 'Cursor', 'User'), ['workspaceStorage', 'globalStorage']),
      ...under(join(d.home, '.cursor'), ['extensions', 'argv.json']),
    ],
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    root: (d) => join(d.home, '.codeium', 'windsurf'),
    traces: (d) => [
      ...under(join(d.home, '.codeium', 'windsurf'), ['cascade', 'memories']),
      ...under(join(d.config, 'Windsurf', 'User'), ['workspaceStorage', 'globalStorage']),
    ],
  },
  {
    id: 'aider',
    name: 'aider',
    root: (d) => join(d.home, '.aider'),
    traces: (d) => [
      ...under(join(d.home, '.aider'), ['caches', 'analytics.json', 'installs.json']),
      join(d.home, '.aider.chat.history.md'),
      join(d.home, '.aider.input.history'),
    ],
  },
  {
    id: 'copilot-cli',
    name: 'GitHub Copilot CLI',
    root: copilotRoot,
    traces: (d, ctx) =>
      under(copilotRoot(d, ctx), ['session-state', 'history-session-state', 'logs', 'config.json']),
  },
  {
    id: 'opencode',
    name: 'opencode',
    root: (d) => join(d.home, '.local', 'share', 'opencode'),
    traces: (d) =>
      under(join(d.home, '.local', 'share', 'opencode'), ['storage', 'log', 'auth.json']),
  },
  {
    id: 'goose',
    name: 'Goose',
    root: gooseData,
    traces: (d, ctx) => under(gooseData(d, ctx), ['sessions', 'schedules']),
  },
  {
    id: 'qwen-code',
    name: 'Qwen Code',
    root: (d) => join(d.home, '.qwen'),
    traces: (d) => under(join(d.home, '.qwen'), ['tmp', 'oauth_creds.json']),
  },
  {
    id: 'llm',
    name: 'LLM (simonw)',
    root: (d) => join(d.config, 'io.datasette.llm'),
    traces: (d) => under(join(d.config, 'io.datasette.llm'), ['logs.db', 'keys.json']),
  },
]
