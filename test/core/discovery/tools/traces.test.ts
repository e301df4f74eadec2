import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Platform } from '../../../../src/core/discovery/types'
import { TOOL_LOCATORS } from '../../../../src/core/discovery/tools/index'
import { configRel, makeRoot, put } from '../../../fixtures/generators/homes/tools-common'
import { makeTestContext } from '../../../helpers/discovery-context'
import { crawl, PLATFORMS } from './helpers'

/** A home where AI tools were used but none of their binaries or config files is present. */
function tracesHome(platform: Platform) {
  const { home } = makeRoot(`traces-${platform}`)
  put(home, '.claude/projects/-home-me-app/0b6f.jsonl', '{"type":"summary"}\n')
  put(home, '.claude/todos/0b6f-agent.json', '[]')
  put(home, '.codex/sessions/2025/06/01/rollout-1.jsonl', '{}\n')
  put(home, '.gemini/tmp/4f1e/logs.json', '[]')
  put(home, '.cursor/chats/3a/store.db', 'x')
  put(home, '.aider/caches/tags.cache.v4/cache.db', 'x')
  put(home, '.aider/analytics.json', '{"uuid": "u"}')
  put(home, '.copilot/session-state/1.json', '{}')
  put(home, `${configRel(platform)}/Cursor/User/workspaceStorage/ab12/workspace.json`, '{}')
  // Look-alikes: an empty ~/.claude, Antigravity's folder inside ~/.gemini, a project folder
  // that happens to be called `projects`, aider's config without any history.
  put(home, 'other/.claude/.keep', '')
  put(home, 'work/projects/readme.md', 'notes\n')
  return home
}

async function run(platform: Platform, home: string) {
  const t = makeTestContext({ home, platform, env: {} })
  for (const l of TOOL_LOCATORS) await l.locate(t.ctx)
  await crawl(t.ctx, home)
  return t
}

describe.each(PLATFORMS)('AI tools known by their traces (%s layout)', (platform) => {
  it('reports each used tool once as a tool asset with the evidence found', async () => {
    const home = tracesHome(platform)
    const { assets } = await run(platform, home)
    const tools = assets.filter((a) => a.kind === 'tool')
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'Claude Code',
        'Cursor',
        'Cursor Agent CLI',
        'Gemini CLI',
        'GitHub Copilot CLI',
        'OpenAI Codex CLI',
        'aider',
      ].sort(),
    )
    for (const t of tools) {
      expect(t.source, t.name).toBe('traces')
      expect(Date.parse(String(t.details?.lastUsed)), t.name).not.toBeNaN()
    }
    const claude = tools.find((t) => t.name === 'Claude Code')!
    expect(claude.path).toBe(join(home, '.claude'))
    expect(claude.details?.traces).toEqual([
      join(home, '.claude', 'projects'),
      join(home, '.claude', 'todos'),
    ])
    const aider = tools.find((t) => t.name === 'aider')!
    expect(aider.details?.traces).toEqual([
      join(home, '.aider', 'analytics.json'),
      join(home, '.aider', 'caches'),
    ])
    expect(aider.details?.traceCount).toBe(2)
  })

  it('adds the evidence to an installed tool instead of reporting it twice', async () => {
    const { home } = makeRoot(`traces-installed-${platform}`)
    put(home, '.claude/projects/-x/1.jsonl', '{}\n')
    put(home, '.local/share/claude/versions/1.0.80/claude', 'bin')
    const { assets } = await run(platform, home)
    const claude = assets.filter((a) => a.kind === 'tool' && a.name === 'Claude Code')
    expect(claude).toHaveLength(1)
    expect(claude[0]).toMatchObject({ source: 'claude-native', version: '1.0.80' })
    expect(claude[0]!.details?.traces).toEqual([join(home, '.claude', 'projects')])
  })

  it('reports nothing for a home without traces', async () => {
    const { home } = makeRoot(`traces-none-${platform}`)
    put(home, '.claude/.keep', '')
    put(home, '.gemini/antigravity/mcp_config.json', '{}')
    put(home, 'work/projects/readme.md', 'notes\n')
    put(home, 'work/.aider.conf.yml', 'model: gpt-4o\n')
    const { assets } = await run(platform, home)
    expect(assets.filter((a) => a.kind === 'tool')).toEqual([])
  })
})
