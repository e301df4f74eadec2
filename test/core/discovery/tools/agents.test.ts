import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { agentConfigLocator } from '../../../../src/core/discovery/tools/agents/locator'
import { DISCOVERY_TOOLS_RULES } from '../../../../src/core/rules/discovery-tools-rules'
import {
  buildAgentsHome,
  buildBrokenAgentsHome,
} from '../../../fixtures/generators/homes/tools-agents-home'
import { makeTestContext } from '../../../helpers/discovery-context'
import type { CollectedAsset } from '../../../helpers/discovery-context'
import { crawl, PLATFORMS, realSecrets } from './helpers'

const RULE_IDS = new Set(DISCOVERY_TOOLS_RULES.map((r) => r.id))

describe.each(PLATFORMS)('agent instructions, skills, settings and hooks (%s)', (platform) => {
  const run = async () => {
    const h = buildAgentsHome(platform)
    const t = makeTestContext({ home: h.home, platform, secrets: realSecrets() })
    await agentConfigLocator.locate(t.ctx)
    await crawl(t.ctx, h.home)
    return { h, ...t }
  }
  const at = (assets: CollectedAsset[], p: string) =>
    assets.filter((a) => a.kind === 'agent-config' && a.path === p)

  it('records user and project configs once each, with what they can do', async () => {
    const { h, assets } = await run()
    const configs = assets.filter((a) => a.kind === 'agent-config')
    const rel = configs.map((a) => a.path.slice(h.home.length + 1)).sort()
    expect(rel).toEqual(
      [
        '.claude/settings.json',
        '.claude/CLAUDE.md',
        '.claude/skills/deploy',
        '.claude/skills/notes',
        '.claude/commands/review.md',
        '.codex/AGENTS.md',
        '.codex/config.toml',
        '.gemini/settings.json',
        '.gemini/GEMINI.md',
        '.cursor/hooks.json',
        '.cursor/skills/lint',
        'code/app/CLAUDE.md',
        'code/app/AGENTS.md',
        'code/app/.cursorrules',
        'code/app/.cursor/rules/style.mdc',
        'code/app/.github/copilot-instructions.md',
        'code/app/.clinerules/01-basics.md',
        'code/app/.claude/settings.local.json',
        'code/app/.claude/commands/ship.md',
        'code/app/.claude/skills/gen',
      ].sort(),
    )
    const deploy = at(assets, join(h.home, '.claude/skills/deploy'))[0]!
    expect(deploy.details).toMatchObject({
      type: 'skill',
      client: 'claude-code',
      scope: 'user',
      hasScripts: true,
    })
    expect(deploy.details?.allowedTools).toEqual(['Bash', 'Read'])
    expect(deploy.details?.scripts).toEqual(['scripts/deploy.sh'])
    const settings = at(assets, join(h.home, '.claude/settings.json'))[0]!
    expect(settings.details).toMatchObject({
      defaultMode: 'bypassPermissions',
      envKeys: ['ANTHROPIC_API_KEY', 'DISABLE_TELEMETRY', 'GITHUB_TOKEN'],
    })
    expect(settings.links?.[0]?.relation).toBe('uses-secret')
    // The GitHub token in `env` is handed to every session: a key asset at its line, linked.
    const github = assets.find(
      (a) => a.kind === 'secret' && a.details?.provider === 'GitHub' && a.path === settings.path,
    )!
    expect(settings.links?.map((l) => l.to)).toContain(github.id)
    expect(github.details).toMatchObject({
      detector: 'github-fine-grained-pat',
      handedTo: 'claude-code sessions (settings env)',
    })
    const codex = at(assets, join(h.home, '.codex/config.toml')).find(
      (a) => a.kind === 'agent-config',
    )!
    const linear = assets.find((a) => a.id === codex.links?.[0]?.to)
    expect(linear?.details).toMatchObject({ provider: 'Linear', line: 4 })
    expect(JSON.stringify(assets)).not.toContain(h.github)
    expect(JSON.stringify(assets)).not.toContain(h.linear)
    expect(settings.details?.allow).toEqual(['Bash', 'Read(~/**)', '[command contains a secret]'])
    const local = at(assets, join(h.project, '.claude/settings.local.json'))[0]!
    expect(local.details?.scope).toBe(`local:${h.project}`)
    expect(at(assets, join(h.project, '.cursor/rules/style.mdc'))[0]?.details).toMatchObject({
      client: 'cursor',
      type: 'rules',
      alwaysApply: true,
    })
    expect(JSON.stringify(assets)).not.toContain(h.anthropic)
  })

  it('flags hooks, auto-approval and disabled permission checks', async () => {
    const { h, findings } = await run()
    const list = (rule: string) =>
      findings
        .filter((f) => f.ruleId === rule)
        .map((f) => `${f.path.slice(h.home.length + 1)}|${f.severity ?? '-'}`)
        .sort()
    expect(list('agent.hook-runs-command')).toEqual(
      [
        '.claude/settings.json|-',
        '.claude/settings.json|-',
        '.cursor/hooks.json|-',
        'code/app/.claude/settings.local.json|high',
      ].sort(),
    )
    expect(list('agent.bypass-permissions')).toEqual([
      '.claude/settings.json|-',
      '.codex/config.toml|-',
    ])
    expect(list('agent.auto-approve')).toEqual(
      [
        '.claude/settings.json|-',
        '.codex/config.toml|medium',
        '.gemini/settings.json|low',
        '.gemini/settings.json|-',
        'code/app/.claude/settings.local.json|medium',
      ].sort(),
    )
    const yolo = findings.find(
      (f) => f.ruleId === 'agent.bypass-permissions' && f.path.endsWith('config.toml'),
    )
    expect(yolo?.message).toContain('profile "yolo"')
  })

  it('finds hidden Unicode and injection instructions, not benign guidance', async () => {
    const { h, findings } = await run()
    const list = (rule: string) =>
      findings
        .filter((f) => f.ruleId === rule)
        .map((f) => `${f.path.slice(h.home.length + 1)}:${f.line}`)
        .sort()
    expect(list('agent.prompt-injection-marker')).toEqual(
      ['.claude/skills/notes/SKILL.md:6', 'code/app/CLAUDE.md:1', 'code/app/.cursorrules:1'].sort(),
    )
    expect(list('agent.suspicious-instruction')).toEqual(
      [
        '.codex/AGENTS.md:3',
        '.codex/AGENTS.md:3',
        'code/app/.github/copilot-instructions.md:1',
      ].sort(),
    )
    expect(
      findings.some((f) => f.path.includes('node_modules') || f.path.endsWith('README.md')),
    ).toBe(false)
    for (const f of findings)
      expect(RULE_IDS.has(f.ruleId) || f.ruleId.startsWith('secret.'), f.ruleId).toBe(true)
  })
})

describe('malformed agent settings', () => {
  it('reports invalid files and keeps going', async () => {
    const { home } = buildBrokenAgentsHome('linux')
    const t = makeTestContext({ home, platform: 'linux' })
    await expect(agentConfigLocator.locate(t.ctx)).resolves.toBeUndefined()
    const invalid = t.findings
      .filter((f) => f.ruleId === 'tools.config-invalid')
      .map((f) => f.path.slice(home.length + 1))
    expect(invalid.sort()).toEqual(['.claude/settings.json', '.codex/config.toml'])
    const hooks = t.assets.find((a) => a.path.endsWith('hooks.json'))
    expect(hooks?.details?.hooks).toEqual([])
    expect(t.assets.some((a) => a.path.includes('skills/empty'))).toBe(false)
  })
})
