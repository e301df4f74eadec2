import { describe, expect, it } from 'vitest'
import { mcpLocator } from '../../../../src/core/discovery/tools/mcp/locator'
import { DISCOVERY_TOOLS_RULES } from '../../../../src/core/rules/discovery-tools-rules'
import { RULES } from '../../../../src/core/rules/index'
import { buildBrokenMcpHome, buildMcpHome } from '../../../fixtures/generators/homes/tools-mcp-home'
import { makeTestContext } from '../../../helpers/discovery-context'
import { configRel } from '../../../fixtures/generators/homes/tools-common'
import { crawl, one, passAssetIds, PLATFORMS, realSecrets } from './helpers'

const KNOWN_RULES = new Set([...RULES, ...DISCOVERY_TOOLS_RULES].map((r) => r.id))

describe.each(PLATFORMS)('MCP client configs (%s layout)', (platform) => {
  const run = async () => {
    const h = buildMcpHome(platform)
    const t = makeTestContext({ home: h.home, platform, secrets: realSecrets() })
    await mcpLocator.locate(t.ctx)
    await crawl(t.ctx, h.project)
    return { h, ...t }
  }

  it('reports one asset per server for every client, with client and scope', async () => {
    const { assets, h } = await run()
    const servers = assets.filter((a) => a.kind === 'mcp-server')
    const clients = new Set(servers.map((s) => s.details?.client))
    for (const c of [
      'claude-desktop',
      'claude-code',
      'cursor',
      'vscode',
      'vscode-settings',
      'cline',
      'roo-code',
      'windsurf',
      'zed',
      'continue',
      'codex',
      'gemini-cli',
      'goose',
      'copilot-cli',
      'kiro',
      'antigravity',
      'opencode',
      'lm-studio',
    ])
      expect(clients, c).toContain(c)
    const local = one(assets, 'mcp-server', 'remote')
    expect(local.details?.client).toBe('claude-code')
    expect(local.details?.scope).toBe(`local:${h.project}`)
    expect(local.details?.transport).toBe('http')
    expect(one(assets, 'mcp-server', 'fetch').details?.scope).toBe('user')
    expect(one(assets, 'mcp-server', 'proj-db').details?.scope).toBe(`project:${h.project}`)
    expect(one(assets, 'mcp-server', 'proj-vs').details?.client).toBe('vscode')
    const zedOld = one(assets, 'mcp-server', 'old-style')
    expect(zedOld.details?.command).toBe('npx')
    expect(zedOld.details?.envKeys).toEqual(['TOKEN'])
    expect(one(assets, 'mcp-server', 'local').details?.command).toBe('bunx')
    expect(one(assets, 'mcp-server', 'developer').details?.transport).toBe('builtin')
    expect(one(assets, 'mcp-server', 'search').details?.envRefs).toEqual(['SEARCH_TOKEN'])
    const gh = one(assets, 'mcp-server', 'github')
    expect(gh.details?.headerKeys).toEqual(['Authorization'])
    expect(gh.details?.inputs).toEqual([{ id: 'gh_token', password: true }])
    // Names are unique per (client, scope, file): no duplicate assets from locator + crawl.
    expect(new Set(servers.map((s) => s.id)).size).toBe(servers.length)
  })

  it('never stores env or header values', async () => {
    const { assets, findings, skipped, h } = await run()
    const out = JSON.stringify({ assets, findings, skipped })
    for (const v of h.plantedValues) expect(out).not.toContain(v)
    expect(out).not.toContain(h.anthropic.slice(20, 60))
  })

  it('links servers to the secret assets of the keys they hold', async () => {
    const { assets, findings, h } = await run()
    const { join } = await import('node:path')
    const desktop = join(h.home, configRel(platform), 'Claude', 'claude_desktop_config.json')
    // The secrets pass owns keys in files under the home: discovery links to its assets.
    const assistant = one(assets, 'mcp-server', 'assistant')
    expect(assistant.links).toEqual(
      (await passAssetIds(h.home, desktop)).map((to) => ({ to, relation: 'uses-secret' })),
    )
    expect(assistant.links).toHaveLength(1)
    const remote = one(assets, 'mcp-server', 'remote')
    expect(remote.links).toEqual(
      (await passAssetIds(h.home, join(h.home, '.claude.json'))).map((to) => ({
        to,
        relation: 'uses-secret',
      })),
    )
    // ... and does not report those keys a second time: the secret assets discovery reports are
    // the credentials the pass's AI rows do not cover, one per value, each at its own line.
    const secrets = assets.filter((a) => a.kind === 'secret')
    const aiProviders = new Set(['Anthropic', 'OpenAI'])
    expect(secrets.filter((a) => aiProviders.has(String(a.details?.provider)))).toEqual([])
    const usedBy = (name: string) =>
      (one(assets, 'mcp-server', name).links ?? []).map((l) => assets.find((a) => a.id === l.to))
    const generic = ['old-style', 'docs', 'goose-github'].flatMap(usedBy)
    expect(generic.map((a) => a?.details?.provider)).toEqual(['generic', 'generic', 'generic'])
    expect(secrets.length).toBe(3 + 4) // the three generic tokens and the four agent credentials
    expect(findings.filter((f) => f.ruleId === 'secret.ai-api-key')).toEqual([])
    const lit = findings.filter((f) => f.ruleId === 'mcp.literal-secret').map((f) => f.assetId)
    expect(lit).toContain(assistant.id)
    expect(lit).toContain(remote.id)
    expect(lit).toContain(one(assets, 'mcp-server', 'docs').id) // name-based: DOCS_API_KEY
    expect(lit).toContain(one(assets, 'mcp-server', 'old-style').id) // Zed TOKEN
    expect(lit).toContain(one(assets, 'mcp-server', 'goose-github').id) // Goose envs
    // References are not secrets.
    expect(lit).not.toContain(one(assets, 'mcp-server', 'legacy').id)
    expect(lit).not.toContain(one(assets, 'mcp-server', 'proj-sh').id)
    expect(lit).not.toContain(one(assets, 'mcp-server', 'github').id)
  })

  it('reports every credential handed to a server as a key asset at its own line, linked from the server', async () => {
    const { assets, findings, h } = await run()
    const { readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const desktop = join(h.home, configRel(platform), 'Claude', 'claude_desktop_config.json')
    const text = readFileSync(desktop, 'utf8')
    const lineOf = (v: string) => text.slice(0, text.indexOf(v)).split('\n').length
    const expectations: [string, string, string][] = [
      ['gh-agent', 'github-pat', 'GitHub'],
      ['pg-agent', 'postgres-url', 'PostgreSQL'],
      ['web-search', 'brave-search', 'Brave Search'],
    ]
    for (const [server, row, provider] of expectations) {
      const s = one(assets, 'mcp-server', server)
      expect(s.links, server).toHaveLength(1)
      const key = assets.find((a) => a.id === s.links?.[0]?.to)!
      expect(key).toMatchObject({ kind: 'secret', path: desktop, source: 'claude-desktop' })
      expect(key.details).toMatchObject({
        provider,
        detector: row,
        line: lineOf(h.agentKeys[row as keyof typeof h.agentKeys]),
        handedTo: `MCP server "${server}" (claude-desktop, user)`,
      })
      const f = findings.find((x) => x.assetId === key.id)!
      expect(f.ruleId).toBe('secret.agent-credential')
      expect(f.line).toBe(key.details?.line)
      expect(s.details?.hasLiteralSecret).toBe(true)
    }
    // The connection URL argument is kept without its password.
    const pg = one(assets, 'mcp-server', 'pg-agent')
    expect(String((pg.details?.args as string[])[2])).toMatch(/^postgresql:\/\/redacted:redacted@/)
    const slack = one(assets, 'mcp-server', 'slack-remote')
    expect(
      (slack.links ?? []).map((l) => assets.find((a) => a.id === l.to)?.details?.provider),
    ).toEqual(['Slack'])
    // Placeholders, templates and references hand the agent nothing.
    const placeholders = one(assets, 'mcp-server', 'placeholders')
    expect(placeholders.links).toEqual([])
    expect(placeholders.details?.hasLiteralSecret).toBe(false)
    const out = JSON.stringify({ assets, findings })
    for (const v of Object.values(h.agentKeys)) expect(out).not.toContain(v)
    expect(out).not.toContain(/:([^:@/]+)@/.exec(h.agentKeys['postgres-url'].slice(13))![1])
  })

  it('flags unpinned runners, plain-HTTP remotes, broad filesystem and shell access', async () => {
    const { assets, findings } = await run()
    const flagged = (rule: string): string[] =>
      findings
        .filter((f) => f.ruleId === rule)
        .map((f) => assets.find((a) => a.id === f.assetId)?.name ?? '?')
        .sort()
    expect(flagged('mcp.unpinned-package')).toEqual(
      [
        'docs',
        'fetch',
        'filesystem',
        'goose-github',
        'local',
        'old-style',
        'playwright',
        'proj-vs',
        'sqlite',
      ].sort(),
    )
    expect(flagged('mcp.remote-without-tls')).toEqual(['lan', 'remote'])
    expect(flagged('mcp.broad-filesystem-access')).toEqual(['ag', 'filesystem'])
    expect(flagged('mcp.shell-access')).toEqual(['terminal'])
    expect(flagged('agent.auto-approve')).toEqual(['everything', 'trusted', 'weather'])
    for (const f of findings) expect(KNOWN_RULES.has(f.ruleId), f.ruleId).toBe(true)
    const fsFinding = findings.find(
      (f) =>
        f.ruleId === 'mcp.broad-filesystem-access' && f.path.endsWith('claude_desktop_config.json'),
    )
    expect(fsFinding?.line).toBeGreaterThan(1)
  })
})

describe('malformed MCP configs', () => {
  it.each(PLATFORMS)('reports each broken file and keeps going (%s)', async (platform) => {
    const { home } = buildBrokenMcpHome(platform)
    const t = makeTestContext({ home, platform, secrets: realSecrets() })
    await expect(mcpLocator.locate(t.ctx)).resolves.toBeUndefined()
    const invalid = t.findings.filter((f) => f.ruleId === 'tools.config-invalid').map((f) => f.path)
    for (const suffix of [
      'claude_desktop_config.json',
      'mcp.json',
      'settings.json',
      'config.yaml',
      'config.toml',
      '.claude.json',
    ])
      expect(
        invalid.some((p) => p.endsWith(suffix)),
        suffix,
      ).toBe(true)
    // Wrong shapes parse but yield no servers rather than a crash.
    expect(t.assets.filter((a) => a.kind === 'mcp-server').map((a) => a.name)).toEqual(['weird'])
  })
})
