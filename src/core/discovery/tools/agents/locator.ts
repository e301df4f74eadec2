import { extname, join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs, envPath, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { listDir } from '../../../util/fs'
import { analyzeInstructionFile } from './instructions'
import type { AgentConfigType } from './instructions'
import type { AgentFileReader } from './readers'
import { readAgentFile } from './readers'
import { analyzeSkillsRoot } from './skills'

type UserFile = Readonly<{
  client: string
  type: AgentConfigType
  reader: AgentFileReader
  paths: (d: BaseDirs, ctx: DiscoveryContext) => readonly string[]
  systemOnly?: boolean
  scope?: string
}>

const claudeDirs = (d: BaseDirs, ctx: DiscoveryContext): string[] => {
  const custom = envPath(ctx, 'CLAUDE_CONFIG_DIR')
  return [join(d.home, '.claude'), ...(custom ? [custom] : [])]
}
const codexHome = (d: BaseDirs, ctx: DiscoveryContext): string =>
  envPath(ctx, 'CODEX_HOME') ?? join(d.home, '.codex')

/** User-scope agent settings and instruction files, in probe order. */
const USER_FILES: readonly UserFile[] = [
  {
    client: 'claude-code',
    type: 'settings',
    reader: 'claude-settings',
    paths: (d, ctx) =>
      claudeDirs(d, ctx).flatMap((c) => [join(c, 'settings.json'), join(c, 'settings.local.json')]),
  },
  {
    client: 'claude-code',
    type: 'settings',
    reader: 'claude-settings',
    scope: 'managed',
    systemOnly: true,
    paths: (_d, ctx) =>
      ctx.platform === 'darwin'
        ? ['/Library/Application Support/ClaudeCode/managed-settings.json']
        : ctx.platform === 'win32'
          ? ['C:\\ProgramData\\ClaudeCode\\managed-settings.json']
          : ['/etc/claude-code/managed-settings.json'],
  },
  {
    client: 'claude-code',
    type: 'instructions',
    reader: 'text',
    paths: (d, ctx) => claudeDirs(d, ctx).map((c) => join(c, 'CLAUDE.md')),
  },
  {
    client: 'codex',
    type: 'settings',
    reader: 'codex',
    paths: (d, ctx) => [join(codexHome(d, ctx), 'config.toml')],
  },
  {
    client: 'codex',
    type: 'instructions',
    reader: 'text',
    paths: (d, ctx) => [join(codexHome(d, ctx), 'AGENTS.md')],
  },
  {
    client: 'gemini-cli',
    type: 'settings',
    reader: 'gemini',
    paths: (d) => [join(d.home, '.gemini', 'settings.json')],
  },
  {
    client: 'gemini-cli',
    type: 'instructions',
    reader: 'text',
    paths: (d) => [join(d.home, '.gemini', 'GEMINI.md')],
  },
  {
    client: 'opencode',
    type: 'instructions',
    reader: 'text',
    paths: (d) => [join(d.dotConfig, 'opencode', 'AGENTS.md')],
  },
  {
    client: 'cursor',
    type: 'hooks',
    reader: 'hooks',
    paths: (d) => [join(d.home, '.cursor', 'hooks.json')],
  },
  {
    client: 'windsurf',
    type: 'rules',
    reader: 'text',
    paths: (d) => [join(d.home, '.codeium', 'windsurf', 'memories', 'global_rules.md')],
  },
]

type UserDir = Readonly<{
  client: string
  type: AgentConfigType
  dir: (d: BaseDirs, ctx: DiscoveryContext) => readonly string[]
  /** `skills`: one asset per `<name>/SKILL.md` folder; otherwise one per file with these extensions. */
  exts?: readonly string[]
}>

/** User-scope skill, command, subagent and rules directories (mcp-scan's skills list and more). */
const USER_DIRS: readonly UserDir[] = [
  {
    client: 'claude-code',
    type: 'skill',
    dir: (d, ctx) => claudeDirs(d, ctx).map((c) => join(c, 'skills')),
  },
  {
    client: 'claude-code',
    type: 'command',
    exts: ['.md'],
    dir: (d, ctx) => claudeDirs(d, ctx).map((c) => join(c, 'commands')),
  },
  {
    client: 'claude-code',
    type: 'subagent',
    exts: ['.md'],
    dir: (d, ctx) => claudeDirs(d, ctx).map((c) => join(c, 'agents')),
  },
  { client: 'cursor', type: 'skill', dir: (d) => [join(d.home, '.cursor', 'skills')] },
  {
    client: 'cursor',
    type: 'command',
    exts: ['.md'],
    dir: (d) => [join(d.home, '.cursor', 'commands')],
  },
  {
    client: 'cursor',
    type: 'rules',
    exts: ['.mdc', '.md'],
    dir: (d) => [join(d.home, '.cursor', 'rules')],
  },
  { client: 'codex', type: 'skill', dir: (d, ctx) => [join(codexHome(d, ctx), 'skills')] },
  {
    client: 'codex',
    type: 'command',
    exts: ['.md'],
    dir: (d, ctx) => [join(codexHome(d, ctx), 'prompts')],
  },
  { client: 'copilot-cli', type: 'skill', dir: (d) => [join(d.home, '.copilot', 'skills')] },
  { client: 'gemini-cli', type: 'skill', dir: (d) => [join(d.home, '.gemini', 'skills')] },
  {
    client: 'gemini-cli',
    type: 'command',
    exts: ['.toml'],
    dir: (d) => [join(d.home, '.gemini', 'commands')],
  },
  {
    client: 'continue',
    type: 'rules',
    exts: ['.md'],
    dir: (d) => [join(d.home, '.continue', 'rules')],
  },
  {
    client: 'cline',
    type: 'rules',
    exts: ['.md', '.txt'],
    dir: (d) => [join(d.home, 'Documents', 'Cline', 'Rules')],
  },
  {
    client: 'opencode',
    type: 'command',
    exts: ['.md'],
    dir: (d) => [join(d.dotConfig, 'opencode', 'command')],
  },
]

async function readUserFile(ctx: DiscoveryContext, f: UserFile, path: string): Promise<void> {
  await readAgentFile(ctx, f.reader, path, {
    client: f.client,
    type: f.type,
    scope: f.scope ?? 'user',
  })
}

/** Files with the given extensions in `dir` and one level of sub-folders (namespaced commands). */
async function filesIn(
  ctx: DiscoveryContext,
  dir: string,
  exts: readonly string[],
): Promise<string[]> {
  const out: string[] = []
  for (const ent of await listDir(ctx, dir)) {
    const p = join(dir, ent.name)
    if (ent.isFile() && exts.includes(extname(ent.name).toLowerCase())) out.push(p)
    else if (ent.isDirectory())
      for (const sub of await listDir(ctx, p))
        if (sub.isFile() && exts.includes(extname(sub.name).toLowerCase()))
          out.push(join(p, sub.name))
  }
  return out.sort()
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  const real = scanningRealHome(ctx)
  const seen = new Set<string>()
  for (const f of USER_FILES) {
    if (f.systemOnly && !real) continue
    for (const path of f.paths(d, ctx)) {
      if (seen.has(path)) continue
      seen.add(path)
      await readUserFile(ctx, f, path)
    }
  }
  for (const u of USER_DIRS) {
    for (const dir of u.dir(d, ctx)) {
      if (seen.has(dir)) continue
      seen.add(dir)
      if (!u.exts) await analyzeSkillsRoot(ctx, dir, u.client, 'user')
      else
        for (const p of await filesIn(ctx, dir, u.exts))
          await analyzeInstructionFile(ctx, p, { client: u.client, type: u.type, scope: 'user' })
    }
  }
}

/** Agent settings, hooks, instructions, rules, commands and skills at user scope. */
export const agentConfigLocator: Locator = {
  id: 'agent-configs',
  title: 'AI agent instructions, skills, settings and hooks',
  locate,
}
