import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TOOLS_ANALYZERS } from '../../../../src/core/discovery/tools/analyzers'
import { mcpLocator } from '../../../../src/core/discovery/tools/mcp/locator'
import {
  json,
  makeRoot,
  openAiProjectKey,
  put,
} from '../../../fixtures/generators/homes/tools-common'
import { makeTestContext } from '../../../helpers/discovery-context'
import { passAssetIds, realSecrets } from './helpers'

const mcpWithKey = (key: string): string =>
  json({ mcpServers: { llm: { command: 'node', args: ['s.js'], env: { OPENAI_API_KEY: key } } } })

/**
 * A config under the home is also read by the engine's secrets pass (it owns the key's asset,
 * finding, permission/git/reuse checks): discovery links to the pass's asset by identity and does
 * not report the key twice. Where the pass does not look, discovery reports the key itself.
 */
describe('MCP server ↔ key cross-links', () => {
  it('project .mcp.json (crawl): links to the pass asset, no second finding', async () => {
    const { home } = makeRoot('link')
    const key = openAiProjectKey(5)
    const path = put(join(home, 'code', 'svc'), '.mcp.json', mcpWithKey(key))
    const t = makeTestContext({ home, platform: 'linux', secrets: realSecrets() })
    for (const a of TOOLS_ANALYZERS) if (a.accepts?.(path) !== false) await a.analyze(path, t.ctx)
    const passIds = await passAssetIds(home, path)
    expect(passIds).toHaveLength(1)
    const server = t.assets.find((a) => a.kind === 'mcp-server' && a.name === 'llm')!
    expect(server.links).toEqual([{ to: passIds[0], relation: 'uses-secret' }])
    expect(server.details?.hasLiteralSecret).toBe(true)
    expect(t.assets.some((a) => a.kind === 'secret')).toBe(false)
    expect(t.findings.map((f) => f.ruleId)).toEqual(['mcp.literal-secret'])
    expect(JSON.stringify(t)).not.toContain(key)
  })

  it('user-scope config (locator): not claimed, so the pass still scans it', async () => {
    const { home } = makeRoot('link-user')
    const key = openAiProjectKey(6)
    const path = put(
      home,
      '.cursor/mcp.json',
      json({
        mcpServers: {
          llm: { url: 'https://x.example/mcp', headers: { Authorization: `Bearer ${key}` } },
        },
      }),
    )
    const t = makeTestContext({ home, platform: 'linux', secrets: realSecrets() })
    await mcpLocator.locate(t.ctx)
    expect(t.claimedFiles.has(path)).toBe(false)
    const server = t.assets.find((a) => a.kind === 'mcp-server')!
    expect(server.links).toEqual(
      (await passAssetIds(home, path)).map((to) => ({ to, relation: 'uses-secret' })),
    )
    expect(server.links).toHaveLength(1)
    // The crawl then hands the same file to the analyzer: it is not read twice.
    for (const a of TOOLS_ANALYZERS) if (a.accepts?.(path) !== false) await a.analyze(path, t.ctx)
    expect(t.assets.filter((a) => a.kind === 'mcp-server')).toHaveLength(1)
  })

  it('a config the pass skips (vendor dir): discovery emits the secret asset and finding', async () => {
    const { home } = makeRoot('link-vendor')
    const key = openAiProjectKey(7)
    const path = put(join(home, 'vendor', 'tool'), '.mcp.json', mcpWithKey(key))
    expect(await passAssetIds(home, path)).toEqual([])
    const t = makeTestContext({ home, platform: 'linux', secrets: realSecrets() })
    for (const a of TOOLS_ANALYZERS) if (a.accepts?.(path) !== false) await a.analyze(path, t.ctx)
    const secret = t.assets.find((a) => a.kind === 'secret')!
    expect(secret.details).toMatchObject({ provider: 'OpenAI', line: 9 })
    expect(secret.identity).toMatch(/@.+\.mcp\.json:9$/)
    const server = t.assets.find((a) => a.kind === 'mcp-server')!
    expect(server.links).toEqual([{ to: secret.id, relation: 'uses-secret' }])
    expect(t.findings.filter((f) => f.assetId === secret.id).map((f) => f.ruleId)).toEqual([
      'secret.ai-api-key',
    ])
    expect(JSON.stringify(t)).not.toContain(key)
  })
})
