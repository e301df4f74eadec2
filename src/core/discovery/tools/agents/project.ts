import { dirname } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { AgentConfigType } from './instructions'
import type { AgentFileReader } from './readers'
import { readAgentFile } from './readers'
import { analyzeSkillDir } from './skills'

type Handler = AgentFileReader | 'skill'

type Route = Readonly<{
  test: RegExp
  client: string | ((path: string) => string)
  type: AgentConfigType
  handler: Handler
  /** How many directories up from the file the project root is. */
  up: number
  local?: boolean
}>

/**
 * Routes are written with `/`; they match `\\` too (Windows paths) once expanded here. Case
 * matters: agents read `CLAUDE.md` / `AGENTS.md` exactly, and a `docs/agents.md` is not one.
 */
const re = (s: string): RegExp =>
  new RegExp(
    s.replaceAll('[^/]', '\u0000').replaceAll('/', '[\\\\/]').replaceAll('\u0000', '[^\\\\/]'),
  )

const SKILL_OWNER: readonly [RegExp, string][] = [
  [re('/\\.claude/'), 'claude-code'],
  [re('/\\.cursor/'), 'cursor'],
  [re('/\\.codex/'), 'codex'],
  [re('/\\.copilot/|/\\.github/'), 'copilot'],
  [re('/\\.gemini/'), 'gemini-cli'],
]

/** Project-scope agent files the crawl finds, by where they sit (first match wins). */
const ROUTES: readonly Route[] = [
  {
    test: re('/\\.claude/settings\\.json$'),
    client: 'claude-code',
    type: 'settings',
    handler: 'claude-settings',
    up: 2,
  },
  {
    test: re('/\\.claude/settings\\.local\\.json$'),
    client: 'claude-code',
    type: 'settings',
    handler: 'claude-settings',
    up: 2,
    local: true,
  },
  {
    test: re('/\\.cursor/hooks\\.json$'),
    client: 'cursor',
    type: 'hooks',
    handler: 'hooks',
    up: 2,
  },
  {
    test: re('/\\.codex/config\\.toml$'),
    client: 'codex',
    type: 'settings',
    handler: 'codex',
    up: 2,
  },
  {
    test: re('/\\.gemini/settings\\.json$'),
    client: 'gemini-cli',
    type: 'settings',
    handler: 'gemini',
    up: 2,
  },
  {
    test: re('/skills/[^/]+/SKILL\\.md$'),
    client: (p) => SKILL_OWNER.find(([r]) => r.test(p))?.[1] ?? 'agent-skills',
    type: 'skill',
    handler: 'skill',
    up: 4,
  },
  {
    test: re('/\\.claude/CLAUDE\\.md$'),
    client: 'claude-code',
    type: 'instructions',
    handler: 'text',
    up: 2,
  },
  {
    test: re('(^|/)CLAUDE(\\.local)?\\.md$'),
    client: 'claude-code',
    type: 'instructions',
    handler: 'text',
    up: 1,
  },
  {
    test: re('(^|/)AGENTS?\\.md$'),
    client: 'agents-md',
    type: 'instructions',
    handler: 'text',
    up: 1,
  },
  {
    test: re('(^|/)GEMINI\\.md$'),
    client: 'gemini-cli',
    type: 'instructions',
    handler: 'text',
    up: 1,
  },
  { test: re('(^|/)\\.cursorrules$'), client: 'cursor', type: 'rules', handler: 'text', up: 1 },
  { test: re('(^|/)\\.windsurfrules$'), client: 'windsurf', type: 'rules', handler: 'text', up: 1 },
  { test: re('(^|/)\\.clinerules$'), client: 'cline', type: 'rules', handler: 'text', up: 1 },
  {
    test: re('/\\.github/copilot-instructions\\.md$'),
    client: 'copilot',
    type: 'instructions',
    handler: 'text',
    up: 2,
  },
  {
    test: re('/\\.github/instructions/[^/]+\\.md$'),
    client: 'copilot',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.github/prompts/[^/]+\\.prompt\\.md$'),
    client: 'copilot',
    type: 'command',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.cursor/rules/(.+/)?[^/]+\\.mdc?$'),
    client: 'cursor',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.clinerules/[^/]+\\.(md|txt)$'),
    client: 'cline',
    type: 'rules',
    handler: 'text',
    up: 2,
  },
  {
    test: re('/\\.claude/commands/(.+/)?[^/]+\\.md$'),
    client: 'claude-code',
    type: 'command',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.claude/agents/[^/]+\\.md$'),
    client: 'claude-code',
    type: 'subagent',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.continue/rules/[^/]+\\.md$'),
    client: 'continue',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.windsurf/rules/[^/]+\\.md$'),
    client: 'windsurf',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.kiro/steering/[^/]+\\.md$'),
    client: 'kiro',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.roo/rules[^/]*/[^/]+\\.md$'),
    client: 'roo-code',
    type: 'rules',
    handler: 'text',
    up: 3,
  },
  {
    test: re('/\\.gemini/commands/(.+/)?[^/]+\\.toml$'),
    client: 'gemini-cli',
    type: 'command',
    handler: 'text',
    up: 3,
  },
]

/** Base names and extensions that may be project agent files (the crawl's dispatch keys). */
export const AGENT_PROJECT_NAMES: readonly string[] = [
  'CLAUDE.md',
  'CLAUDE.local.md',
  'AGENTS.md',
  'AGENT.md',
  'GEMINI.md',
  '.cursorrules',
  '.windsurfrules',
  '.clinerules',
  'copilot-instructions.md',
  'SKILL.md',
  'settings.json',
  'settings.local.json',
  'hooks.json',
  'config.toml',
]
export const AGENT_PROJECT_EXTENSIONS: readonly string[] = ['.md', '.mdc', '.toml', '.txt']

const up = (p: string, n: number): string => (n === 0 ? p : up(dirname(p), n - 1))

function routeFor(path: string): Route | undefined {
  return ROUTES.find((r) => r.test.test(path))
}

export function isAgentProjectFile(path: string): boolean {
  return routeFor(path) !== undefined
}

export async function analyzeAgentProjectFile(path: string, ctx: DiscoveryContext): Promise<void> {
  const r = routeFor(path)
  if (!r) return
  const client = typeof r.client === 'string' ? r.client : r.client(path)
  const root = up(path, r.up)
  const meta = {
    client,
    type: r.type,
    scope: `${r.local ? 'local' : 'project'}:${root}`,
  }
  if (r.handler === 'skill') await analyzeSkillDir(ctx, dirname(path), client, meta.scope)
  else await readAgentFile(ctx, r.handler, path, meta)
}
