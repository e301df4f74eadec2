import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptRisk } from '../../src/core/storage/accepted-risks'
import { openDb } from '../../src/core/storage/db'
import type { DashboardFinding } from '../../src/shared/dashboard-api'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import {
  CLI,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
} from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'

/**
 * Accepted risk end to end with real processes: `aiscout server start`, a laptop scanned and
 * synced with `aiscout scan --sync` from a generated fake home, an admin's acceptance through the
 * fleet API reaching the laptop's `aiscout scan --format json --db` after `aiscout sync`, and the
 * laptop user's own acceptance (as the desktop app writes it) listed by the server after the next
 * `aiscout sync` as accepted on the device.
 */

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', AISCOUT_HARDWARE_ID: 'risk-cli-laptop' },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

type Accepted = { note: string; acceptedBy: string; source: string; expiresAt?: string }
type JsonDoc = { findings: { id: string; severity: string; accepted?: Accepted }[] }

afterAll(stopAllServerProcesses)

describe('accepted risk between a laptop and the server, through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-risk-cli-'))
  const data = join(dir, 'server')
  const db = join(dir, 'inventory.db')
  const fake = makeFakeHome()
  let srv: ServerProcess
  let token = ''

  const api = async (path: string, body?: unknown) => {
    const r = await fetch(`${srv.url}/api/fleet/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: r.status, json: (await r.json()) as Record<string, unknown> }
  }
  const scanJson = (): JsonDoc => {
    // `--db` with the same home: a rescan, so the acceptance also survives one.
    const r = run(['scan', '--home', fake.home, '--db', db, '--quiet', '--format', 'json'])
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true)
    return JSON.parse(r.stdout) as JsonDoc
  }
  const exportJson = (): JsonDoc => {
    const r = run(['export', '--format', 'json', '--db', db])
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as JsonDoc
  }

  beforeAll(async () => {
    if (!existsSync(CLI))
      throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
    srv = await startServerProcess({ port: await freePort(), dataDir: data })
    token = run(['server', 'admin-token', 'create', '--data', data, '--name', 'secops'])
      .stdout.trimEnd()
      .split('\n')
      .pop()!
    const secret = run(['server', 'enroll-secret', 'create', '--data', data])
      .stdout.trimEnd()
      .split('\n')
      .pop()!
    const r = run([
      'scan',
      ...['--home', fake.home, '--db', db, '--quiet', '--sync'],
      ...['--server', srv.url, '--enroll-secret', secret],
    ])
    expect(r.stdout + r.stderr).toMatch(/everything acknowledged/)
  })
  afterAll(async () => {
    await srv?.kill('SIGTERM')
  })

  it('an admin accepts on the server: after `aiscout sync` the laptop reports it accepted with the note', async () => {
    const before = exportJson()
    const target = before.findings.find((f) => f.severity === 'critical')!
    expect(target.accepted).toBeUndefined()
    const list = await api(`/findings?status=open&limit=500`)
    const f = (list.json.findings as DashboardFinding[]).find((x) => x.key === target.id)!
    expect(f).toBeDefined()
    const expiresAt = new Date(Date.now() + 14 * 86_400_000).toISOString()
    const a = await api('/findings/accept', {
      deviceId: f.deviceId,
      findingKey: target.id,
      note: 'Research sample in a sandbox VM',
      expiresAt,
    })
    expect(a.status, JSON.stringify(a.json)).toBe(200)
    expect(run(['sync', '--db', db]).code).toBe(0)
    const after = scanJson()
    expect(after.findings.find((x) => x.id === target.id)?.accepted).toEqual({
      note: 'Research sample in a sandbox VM',
      acceptedBy: 'secops',
      acceptedAt: expect.any(String),
      expiresAt,
      source: 'server',
    })
    // SARIF shows it suppressed, with the team's note as the justification.
    const sarif = JSON.parse(run(['export', '--format', 'sarif', '--db', db]).stdout) as {
      runs: { results: { suppressions?: { justification?: string }[] }[] }[]
    }
    const suppressed = sarif.runs[0]!.results.filter((r) => r.suppressions?.length)
    expect(suppressed.map((r) => r.suppressions![0]!.justification)).toEqual([
      'Research sample in a sandbox VM',
    ])
    // The admin reopens it: after the next sync the laptop counts it open again.
    const u = await api('/findings/unaccept', { deviceId: f.deviceId, findingKey: target.id })
    expect(u.status).toBe(200)
    expect(run(['sync', '--db', db]).code).toBe(0)
    expect(exportJson().findings.find((x) => x.id === target.id)?.accepted).toBeUndefined()
  })

  it('the laptop user accepts: after `aiscout sync` the server lists it accepted on the device', async () => {
    const target = exportJson().findings.find(
      (f) => f.severity === 'high' || f.severity === 'critical',
    )!
    const h = openDb(db)
    try {
      acceptRisk(h, { findingId: target.id, note: 'my test fixture', acceptedBy: 'dev' })
    } finally {
      h.close()
    }
    const dry = run(['sync', '--db', db, '--dry-run'])
    expect(dry.code).toBe(0)
    // The dry run prints the exact payload: the one finding, with its acceptance.
    expect(dry.stdout).toContain('my test fixture')
    expect(run(['sync', '--db', db]).code).toBe(0)
    const list = await api(`/findings?status=accepted&source=device`)
    expect(list.status).toBe(200)
    expect(list.json.findings).toEqual([
      expect.objectContaining({
        key: target.id,
        status: 'accepted',
        acceptedSource: 'device',
        deviceAcceptance: expect.objectContaining({ note: 'my test fixture', acceptedBy: 'dev' }),
      }),
    ])
  })
})
