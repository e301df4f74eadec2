import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TOOLS_ANALYZERS } from '../../../../src/core/discovery/tools/analyzers'
import { TOOL_LOCATORS } from '../../../../src/core/discovery/tools/index'
import { scan } from '../../../../src/core/engine/scan'
import { openDb } from '../../../../src/core/storage/db'
import { openInventoryReader } from '../../../../src/core/storage/inventory-reader'
import { buildAgentsHome } from '../../../fixtures/generators/homes/tools-agents-home'
import { buildAppsHome } from '../../../fixtures/generators/homes/tools-apps-home'
import { buildMcpHome } from '../../../fixtures/generators/homes/tools-mcp-home'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

async function scanHome(home: string, env: Record<string, string> = {}) {
  const dbDir = mkdtempSync(join(tmpdir(), 'aiscout-tools-db-'))
  cleanup.push(dbDir)
  const db = openDb(join(dbDir, 'inv.db'))
  await scan(db, {
    home,
    env,
    platform: 'linux',
    locators: TOOL_LOCATORS,
    analyzers: TOOLS_ANALYZERS,
  })
  const r = openInventoryReader(db)
  const out = { assets: [...r.assets()], findings: [...r.findings()] }
  db.close()
  return out
}

/** Through the real engine (crawl, claims, secrets pass, SQLite store), not the test context. */
describe('tool discovery through the scan engine', () => {
  it('MCP home: every server once, keys linked to stored secret assets, no values stored', async () => {
    const h = buildMcpHome('linux')
    cleanup.push(h.home)
    const { assets, findings } = await scanHome(h.home)
    const servers = assets.filter((a) => a.kind === 'mcp-server')
    const keys = servers.map((s) => `${s.source}|${s.name}|${s.path}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(servers.length).toBeGreaterThanOrEqual(28)
    const ids = new Set(assets.map((a) => a.id))
    for (const name of ['assistant', 'remote', 'proj-llm']) {
      const s = servers.find((x) => x.name === name)!
      expect(s.links.length, name).toBeGreaterThan(0)
      for (const l of s.links) expect(ids.has(l.to), `${name} -> ${l.to}`).toBe(true)
    }
    // The project key is reported once (by the secrets pass), not again by discovery.
    const projFile = join(h.project, '.mcp.json')
    expect(
      findings.filter((f) => f.path === projFile && f.ruleId.startsWith('secret.')),
    ).toHaveLength(1)
    // User-scope keys are reported once too: the Anthropic key by the pass (the locator does not
    // claim the file), the three credentials only the agent rows know by discovery.
    const desktop = join(h.home, '.config', 'Claude', 'claude_desktop_config.json')
    const desktopKeys = findings.filter((f) => f.path === desktop && f.ruleId.startsWith('secret.'))
    expect(desktopKeys.map((f) => f.ruleId).sort()).toEqual([
      'secret.agent-credential',
      'secret.agent-credential',
      'secret.agent-credential',
      'secret.ai-api-key',
    ])
    expect(new Set(desktopKeys.map((f) => f.line)).size).toBe(4)
    const dump = JSON.stringify({ assets, findings })
    for (const v of h.plantedValues) expect(dump).not.toContain(v)
  })

  it('apps + agents homes: nothing executed, nothing from node_modules, no duplicates', async () => {
    const p = buildAppsHome('linux')
    const a = buildAgentsHome('linux')
    cleanup.push(p.home, a.home, p.outside)
    const apps = await scanHome(p.home, p.env)
    expect(existsSync(p.marker)).toBe(false)
    expect(
      apps.assets
        .filter((x) => x.kind === 'tool')
        .map((x) => x.name)
        .sort(),
    ).toEqual(
      [
        '@modelcontextprotocol/server-filesystem',
        'Claude Code',
        'Cursor',
        'OpenAI Codex CLI',
        'Ollama',
        'aider',
        'gh copilot',
        'llama.cpp (llama-server)',
      ].sort(),
    )
    const agents = await scanHome(a.home)
    const configs = agents.assets.filter((x) => x.kind === 'agent-config')
    expect(configs.some((c) => c.path.includes('node_modules'))).toBe(false)
    expect(new Set(configs.map((c) => c.path)).size).toBe(configs.length)
    expect(configs).toHaveLength(20)
    expect(agents.findings.some((f) => f.ruleId === 'agent.prompt-injection-marker')).toBe(true)
  })
})
