import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createModelServerLocator } from '../../../../src/core/discovery/system/servers/model-servers'
import {
  isLoopback,
  jupyterAuthDisabled,
  jupyterTokenDisabled,
} from '../../../../src/core/discovery/system/servers/services'
import {
  createSocketsPort,
  formatIpv6,
  parseLsofFields,
  parseNetstat,
  parseProcNetTcp,
  parseTasklist,
} from '../../../../src/core/discovery/system/sockets'
import { makeTestContext } from '../../../helpers/discovery-context'
import {
  LSOF_SAMPLE,
  NETSTAT_SAMPLE,
  TASKLIST_SAMPLE,
  makeFakeProc,
  procHex4,
  sampleSockets,
} from '../../../fixtures/generators/homes/system-sockets'

describe('socket table parsers', () => {
  it('decodes /proc/net/tcp LISTEN rows only', () => {
    const text = `  sl  local_address rem_address   st\n   0: ${procHex4('127.0.0.1', 11434)} 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 42 1\n   1: ${procHex4('10.1.2.3', 22)} 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 1000 0 43 1\n`
    expect(parseProcNetTcp(text)).toEqual([{ address: '127.0.0.1', port: 11434, inode: 42 }])
    expect(parseProcNetTcp('garbage\nmore garbage')).toEqual([])
  })

  it('formats IPv6 addresses', () => {
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::')
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1')
    expect(formatIpv6([0xfe80, 0, 0, 0, 0, 0, 0, 1])).toBe('fe80::1')
    expect(formatIpv6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001])).toBe('::ffff:127.0.0.1')
  })

  it('reads a fake /proc: owners through fd links, command lines through cmdline', async () => {
    const sockets = await createSocketsPort({
      procRoot: makeFakeProc(),
      platform: 'linux',
    }).listening()
    const by = (port: number) => sockets.find((s) => s.port === port)
    expect(by(11434)).toMatchObject({
      address: '0.0.0.0',
      pid: 100,
      process: 'ollama',
      commandLine: '/usr/local/bin/ollama serve',
    })
    expect(by(8888)).toMatchObject({ address: '127.0.0.1', pid: 200 })
    expect(by(8888)?.commandLine).toContain("--ServerApp.token=''")
    expect(by(1234)).toEqual({ address: '::', port: 1234, pid: undefined })
    expect(by(8080)).toMatchObject({ address: '::1', process: 'llama-server' })
    expect(by(5555)).toBeUndefined() // TIME_WAIT
  })

  it('returns nothing (not an error) when /proc is unreadable', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aiscout-noproc-'))
    expect(await createSocketsPort({ procRoot: empty, platform: 'linux' }).listening()).toEqual([])
  })

  it('parses lsof field output, netstat and tasklist', () => {
    expect(parseLsofFields(LSOF_SAMPLE)).toEqual([
      { address: '127.0.0.1', port: 11434, pid: 501, process: 'Ollama' },
      { address: '0.0.0.0', port: 3000, pid: 777, process: 'node' },
      { address: '::1', port: 3001, pid: 777, process: 'node' },
    ])
    expect(parseNetstat(NETSTAT_SAMPLE)).toEqual([
      { address: '0.0.0.0', port: 1234, pid: 4242 },
      { address: '127.0.0.1', port: 11434, pid: 5151 },
      { address: '::', port: 8888, pid: 6000 },
    ])
    expect(parseTasklist(TASKLIST_SAMPLE).get(4242)).toBe('LM Studio.exe')
  })

  it('classifies loopback and Jupyter token flags', () => {
    for (const a of ['127.0.0.1', '127.3.4.5', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost'])
      expect(isLoopback(a), a).toBe(true)
    for (const a of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'fe80::1'])
      expect(isLoopback(a), a).toBe(false)
    expect(jupyterTokenDisabled("jupyter lab --ServerApp.token=''")).toBe(true)
    expect(jupyterTokenDisabled('jupyter notebook --NotebookApp.token=""')).toBe(true)
    expect(jupyterTokenDisabled('jupyter lab --IdentityProvider.token= --port 1')).toBe(true)
    expect(jupyterTokenDisabled('jupyter lab --ServerApp.token=abc')).toBe(false)
    expect(jupyterTokenDisabled('jupyter lab')).toBe(false)
    expect(
      jupyterAuthDisabled("jupyter lab --ServerApp.token='' --ServerApp.password='sha1:xyz'"),
    ).toBe(false)
  })
})

describe('model-server locator', () => {
  async function run() {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-servers-'))
    const t = makeTestContext({ home, platform: 'linux', sockets: sampleSockets() })
    await createModelServerLocator().locate(t.ctx)
    return t
  }

  it('identifies services by process and distinctive port, one asset per service and port', async () => {
    const { assets } = await run()
    const servers = assets.filter((a) => a.kind === 'model-server')
    const keys = servers.map((a) => `${a.details?.service}:${a.details?.port}`).sort()
    expect(keys).toEqual([
      'jupyter:8888',
      'jupyter:8889',
      'jupyter:8890',
      'lm-studio:1234',
      'mcp-http:3333',
      'ollama:11434',
      'vllm:8000',
    ])
    const ollama = servers.find((a) => a.details?.service === 'ollama')
    // Loopback (process) and 0.0.0.0 (owner not visible, identified by port) are the same service.
    expect(ollama?.details?.addresses).toEqual(['0.0.0.0', '127.0.0.1'])
    expect(ollama?.details?.exposedToNetwork).toBe(true)
    expect(servers.find((a) => a.details?.service === 'lm-studio')?.details?.addresses).toEqual([
      '0.0.0.0',
      '::',
    ])
    // nginx on 8080 and an anonymous 8080 are not AI servers.
    expect(keys.some((k) => k.endsWith(':8080'))).toBe(false)
  })

  it('raises exposure and Jupyter token findings with the right severities', async () => {
    const { findings, assets } = await run()
    const exposed = findings.filter((f) => f.ruleId === 'server.exposed-to-network')
    const svc = (f: { assetId?: string }) =>
      assets.find((a) => a.id === f.assetId)?.details?.service
    expect(exposed.map(svc).sort()).toEqual(['lm-studio', 'mcp-http', 'ollama', 'vllm'])
    const jup = findings.filter((f) => f.ruleId === 'server.jupyter-no-token')
    expect(jup.map((f) => [svc(f), f.severity, f.path])).toEqual(
      expect.arrayContaining([
        ['jupyter', 'critical', 'tcp://0.0.0.0:8888'],
        ['jupyter', 'medium', 'tcp://127.0.0.1:8889'],
      ]),
    )
    expect(jup).toHaveLength(2)
  })

  it('never stores command lines (they can hold keys)', async () => {
    const { assets, findings } = await run()
    const json = JSON.stringify({ assets, findings })
    expect(json).not.toContain('SECRETVALUE123')
    expect(assets.find((a) => a.details?.service === 'vllm')?.details?.authConfigured).toBe(true)
  })

  it('survives a failing sockets port', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-servers-'))
    const t = makeTestContext({ home, platform: 'linux' })
    const ctx = { ...t.ctx, sockets: { listening: async () => Promise.reject(new Error('boom')) } }
    await createModelServerLocator().locate(ctx)
    expect(t.assets).toEqual([])
    expect(t.skipped).toHaveLength(1)
  })
})
