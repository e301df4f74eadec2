import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SYSTEM_ANALYZERS } from '../../../../src/core/discovery/system/analyzers'
import { SYSTEM_LOCATORS } from '../../../../src/core/discovery/system/index'
import { createModelServerLocator } from '../../../../src/core/discovery/system/servers/model-servers'
import { findRule } from '../../../../src/core/rules/index'
import { DISCOVERY_SYSTEM_RULES } from '../../../../src/core/rules/discovery-system-rules'
import { makeTestContext } from '../../../helpers/discovery-context'
import { fakeSystemInfo } from '../../../fixtures/generators/homes/system-compute'
import { makePlatformHome, makePythonHome } from '../../../fixtures/generators/homes/system-home'
import { sampleSockets } from '../../../fixtures/generators/homes/system-sockets'

describe('system area registry', () => {
  it('locator and analyzer ids are unique and every rule id is well-formed', () => {
    const ids = [...SYSTEM_LOCATORS.map((l) => l.id), ...SYSTEM_ANALYZERS.map((a) => a.id)]
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of DISCOVERY_SYSTEM_RULES) {
      expect(r.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/)
      expect(r.why.length).toBeGreaterThan(20)
      expect(r.fix.length).toBeGreaterThan(20)
    }
  })

  it('runs every locator on one combined fake home; every finding has a known rule', async () => {
    const py = makePythonHome('linux')
    const plat = makePlatformHome('linux')
    cpSync(plat.home, py.home, { recursive: true })
    const t = makeTestContext({
      home: py.home,
      platform: 'linux',
      sockets: sampleSockets(),
      systemInfo: fakeSystemInfo({
        controllers: [{ vendor: 'NVIDIA', model: 'NVIDIA L4', vram: 23034 }],
      }),
    })
    const emitted: string[] = []
    const ctx = {
      ...t.ctx,
      emitAsset: (a: Parameters<typeof t.ctx.emitAsset>[0]) => {
        emitted.push(`${a.kind}\0${a.identity ?? a.path}`)
        return t.ctx.emitAsset(a)
      },
    }
    for (const l of SYSTEM_LOCATORS) await expect(l.locate(ctx)).resolves.toBeUndefined()
    // No asset is emitted twice by this area.
    expect(new Set(emitted).size).toBe(emitted.length)
    const kinds = new Set(t.assets.map((a) => a.kind))
    for (const k of [
      'python-environment',
      'package',
      'ai-platform',
      'compute',
      'model-server',
    ] as const)
      expect(kinds.has(k), k).toBe(true)
    const known = (id: string) =>
      DISCOVERY_SYSTEM_RULES.some((r) => r.id === id) || findRule(id) !== undefined
    for (const f of t.findings) expect(known(f.ruleId), f.ruleId).toBe(true)
    // The crawl would skip the environments' stdlib/site-packages trees the locators handled.
    expect(t.claimedDirs.has(join(py.paths.conda as string, 'pkgs'))).toBe(true)
  })
})

describe('opt-in loopback identification', () => {
  it('reads the Ollama version with one GET to 127.0.0.1 only when asked', async () => {
    let requests = 0
    const server = createServer((req, res) => {
      requests++
      res.setHeader('content-type', 'application/json')
      res.end(req.url === '/api/version' ? JSON.stringify({ version: '0.5.7' }) : '{}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    try {
      const sockets = [
        { address: '127.0.0.1', port, process: 'ollama', commandLine: 'ollama serve' },
      ]
      const off = makeTestContext({ home: '/nonexistent-home', platform: 'linux', sockets })
      await createModelServerLocator().locate(off.ctx)
      expect(requests).toBe(0)
      expect(off.assets[0]?.version).toBeUndefined()
      const on = makeTestContext({ home: '/nonexistent-home', platform: 'linux', sockets })
      await createModelServerLocator({ identifyOverLoopback: true }).locate(on.ctx)
      expect(requests).toBe(1)
      expect(on.assets[0]).toMatchObject({ kind: 'model-server', name: 'Ollama', version: '0.5.7' })
    } finally {
      server.close()
    }
  })
})
