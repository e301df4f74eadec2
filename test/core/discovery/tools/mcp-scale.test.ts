import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  analyzeMcpConfig,
  MAX_SERVERS_PER_CONFIG,
} from '../../../../src/core/discovery/tools/mcp/emit'
import { lineWork, resetLineWork } from '../../../../src/core/discovery/tools/util/lines'
import type { SecretScanner } from '../../../../src/core/secrets/index'
import { makeTestContext } from '../../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-mcp-scale-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A scanner that finds nothing but records the line each handed value was reported at. */
function recordingScanner(seen: Map<string, number>): SecretScanner {
  return {
    scanText: () => [],
    scanNotebook: () => [],
    scanNamedValue: (_name, value, o) => {
      seen.set(value, o.line)
      return []
    },
    scanPrivateKey: () => undefined,
  }
}

/** `~/.claude.json` with `count` stdio servers, each with its own env value and package arg. */
function config(count: number, indent: number | undefined): string {
  const servers: Record<string, unknown> = {}
  for (let i = 0; i < count; i++)
    servers[`s${i}`] = { command: 'npx', args: ['-y', `pkg${i}`], env: { TOKEN: `value-${i}-x` } }
  return JSON.stringify({ mcpServers: servers }, null, indent)
}

async function analyze(name: string, text: string) {
  const home = join(root, name)
  const path = join(home, '.claude.json')
  const seen = new Map<string, number>()
  const t = makeTestContext({ home, platform: 'linux', secrets: recordingScanner(seen) })
  mkdirSync(home, { recursive: true })
  writeFileSync(path, text)
  resetLineWork()
  const found = await analyzeMcpConfig(t.ctx, {
    client: 'claude-code',
    path,
    format: 'json',
    shape: 'claude-code',
    scope: 'user',
    maxBytes: 32 * 1024 * 1024,
  })
  return { ...t, path, found, seen, work: lineWork() }
}

describe('MCP configs with many servers', () => {
  it('inventories servers up to the cap with their lines, reports the rest, in linear work', async () => {
    const count = 3000
    const text = config(count, 1)
    const lines = text.split('\n')
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1
    const r = await analyze('pretty', text)
    expect(r.found).toBe(count)
    const servers = r.assets.filter((a) => a.kind === 'mcp-server')
    expect(servers).toHaveLength(MAX_SERVERS_PER_CONFIG)
    expect(MAX_SERVERS_PER_CONFIG).toBe(2000)
    const cap = r.findings.filter((f) => f.ruleId === 'mcp.too-many-servers')
    expect(cap).toHaveLength(1)
    expect(cap[0]!.message).toContain(`${count} servers`)
    expect(cap[0]!.message).toContain(`${MAX_SERVERS_PER_CONFIG}`)
    for (const i of [0, 1, 999, 1998, 1999]) {
      const s = servers.find((a) => a.name === `s${i}`)!
      expect(s.details?.line).toBe(lineOf(`"s${i}": {`))
      // Each value is reported at its own line, found inside its own server's entry.
      expect(r.seen.get(`value-${i}-x`)).toBe(lineOf(`"value-${i}-x"`))
      expect(r.seen.get(`pkg${i}`)).toBe(lineOf(`"pkg${i}"`))
    }
    expect(servers.some((a) => a.name === `s${MAX_SERVERS_PER_CONFIG}`)).toBe(false)
    // Linear: line lookups look at a small multiple of the file, not servers × file.
    expect(r.work).toBeLessThan(4 * text.length)
  })

  it('keeps the work linear for a one-line config below the cap', async () => {
    const count = 1500
    const text = config(count, undefined)
    const r = await analyze('compact', text)
    const servers = r.assets.filter((a) => a.kind === 'mcp-server')
    expect(servers).toHaveLength(count)
    expect(servers.every((a) => a.details?.line === 1)).toBe(true)
    expect(r.findings.some((f) => f.ruleId === 'mcp.too-many-servers')).toBe(false)
    expect(r.seen.get(`pkg${count - 1}`)).toBe(1)
    expect(r.work).toBeLessThan(4 * text.length)
  })
})
