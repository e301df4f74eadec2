import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TOOL_LOCATORS } from '../../../../src/core/discovery/tools/index'
import { buildAgentsHome } from '../../../fixtures/generators/homes/tools-agents-home'
import { buildAppsHome } from '../../../fixtures/generators/homes/tools-apps-home'
import { buildMcpHome } from '../../../fixtures/generators/homes/tools-mcp-home'
import { makeTestContext } from '../../../helpers/discovery-context'
import { crawl, PLATFORMS, realSecrets } from './helpers'

/** Every locator, then a crawl of the whole home (as the engine does): each asset once. */
describe.each(PLATFORMS)('all tool locators + crawl (%s)', (platform) => {
  it('MCP home: the crawl adds only project-scope assets, never duplicates', async () => {
    const h = buildMcpHome(platform)
    const t = makeTestContext({ home: h.home, platform, secrets: realSecrets() })
    for (const l of TOOL_LOCATORS) await l.locate(t.ctx)
    const before = t.assets.length
    const findingsBefore = t.findings.length
    await crawl(t.ctx, h.home)
    const added = t.assets.slice(before)
    expect(added.every((a) => a.path.startsWith(h.project))).toBe(true)
    expect(added.length).toBeGreaterThan(0)
    expect(t.findings.slice(findingsBefore).every((f) => f.path.startsWith(h.project))).toBe(true)
    const out = JSON.stringify(t)
    for (const v of h.plantedValues) expect(out).not.toContain(v)
  })

  it('agents + apps homes: no asset is reported twice and nothing runs', async () => {
    const a = buildAgentsHome(platform)
    const p = buildAppsHome(platform)
    for (const [home, env] of [
      [a.home, {}],
      [p.home, p.env],
    ] as const) {
      const t = makeTestContext({ home, platform, env, secrets: realSecrets() })
      for (const l of TOOL_LOCATORS) await l.locate(t.ctx)
      await crawl(t.ctx, home)
      const keys = t.assets.map((x) => `${x.kind}|${x.path}|${x.name}`)
      expect(new Set(keys).size).toBe(keys.length)
    }
    expect(existsSync(p.marker)).toBe(false)
  })
})
