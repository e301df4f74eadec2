import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import { CLI, freePort, startServerProcess, stopAllServerProcesses } from './helpers/server-process'
import type { ServerProcess } from './helpers/server-process'

/**
 * A fleet policy end to end: created through the fleet API of a real `aiscout server start`,
 * fetched by a fake home's real `aiscout sync`, evaluated on the device, reported back in the same
 * sync and listed by the server; removed, and gone from both after the next sync.
 */
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr }
}
const lastLine = (s: string) => s.trimEnd().split('\n').pop()!

afterAll(stopAllServerProcesses)

describe('a fleet policy from the server to a synced laptop and back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-policy-e2e-'))
  const data = join(dir, 'server')
  const db = join(dir, 'laptop.db')
  const fake = makeFakeHome()
  let srv: ServerProcess
  let token = ''

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const r = await fetch(`${srv.url}/api/fleet/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    return { status: r.status, json: (await r.json()) as Record<string, unknown> }
  }
  const serverFindings = async () =>
    ((await api('/findings?rule=policy.model-format&status=open')).json.findings as {
      key: string
      title: string
      severity: string
      message: string
    }[]) ?? []
  const sync = () => cli(['sync', '--db', db, '--server', srv.url])

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('out/cli is missing: run `npm run build` first')
    srv = await startServerProcess({ port: await freePort(), dataDir: data })
    token = lastLine(cli(['server', 'admin-token', 'create', '--data', data]).stdout)
    const secret = lastLine(cli(['server', 'enroll-secret', 'create', '--data', data]).stdout)
    const first = cli([
      'scan',
      '--home',
      fake.home,
      '--db',
      db,
      '--quiet',
      '--format',
      'json',
      '--out',
      join(dir, 'before.json'),
      '--sync',
      '--server',
      srv.url,
      '--enroll-secret',
      secret,
    ])
    expect(first.out).toMatch(/everything acknowledged/)
  })

  it('create → sync reports the violation; delete → sync resolves it', async () => {
    expect(await serverFindings()).toEqual([])
    const created = await api('/policies', {
      body: {
        name: 'No pickle models',
        severity: 'critical',
        rule: { type: 'model-format', mode: 'block', formats: ['pickle'] },
      },
    })
    expect(created.status).toBe(201)
    const policyId = (created.json.policy as { id: string }).id

    // One sync: the new config is fetched, evaluated, and its finding sent in the same run.
    const s1 = sync()
    expect(s1.code, s1.out).toBe(0)
    const listed = await serverFindings()
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({
      severity: 'critical',
      title: 'Model format not allowed by policy: No pickle models',
    })

    // On the laptop it is a finding like any other: JSON export and SARIF carry it.
    const json = cli(['export', '--format', 'json', '--db', db])
    const doc = JSON.parse(json.stdout) as {
      findings: { id: string; ruleId: string; path: string }[]
    }
    const local = doc.findings.filter((f) => f.ruleId === 'policy.model-format')
    expect(local.map((f) => f.path)).toEqual([fake.paths.evil])
    expect(local[0]!.id).toBe(listed[0]!.key)
    expect(
      cli(['export', '--format', 'sarif', '--db', db, '--out', join(dir, 'r.sarif')]).code,
    ).toBe(0)
    const sarif = readFileSync(join(dir, 'r.sarif'), 'utf8')
    expect(sarif).toMatch(/"ruleId": ?"policy\.model-format"/)
    expect(sarif).toContain('Model format not allowed by policy')

    // A rescan keeps it (same key), and `aiscout scan --format json` shows it.
    const rescan = cli([
      'scan',
      '--home',
      fake.home,
      '--db',
      db,
      '--quiet',
      '--format',
      'json',
      '--out',
      join(dir, 'after.json'),
    ])
    expect(rescan.code).toBe(1)
    const after = JSON.parse(readFileSync(join(dir, 'after.json'), 'utf8')) as typeof doc
    expect(after.findings.map((f) => f.id)).toContain(listed[0]!.key)

    // Removed on the server: the next sync resolves it on the laptop and on the server.
    expect((await api(`/policies/${policyId}`, { method: 'DELETE' })).status).toBe(200)
    const s2 = sync()
    expect(s2.code, s2.out).toBe(0)
    expect(await serverFindings()).toEqual([])
    const gone = JSON.parse(cli(['export', '--format', 'json', '--db', db]).stdout) as typeof doc
    expect(gone.findings.filter((f) => f.ruleId.startsWith('policy.'))).toEqual([])
  })
})
