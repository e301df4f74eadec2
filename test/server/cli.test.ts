import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, freshTarget, stopPg } from './helpers/engines'
import type { EngineName } from './helpers/engines'
import { CLI, freePort, startServerProcess, stopAllServerProcesses } from './helpers/server-process'

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(async () => {
  await stopAllServerProcesses()
  await stopPg()
})

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const e: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k]
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: e as NodeJS.ProcessEnv,
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const lastLine = (s: string) => s.trimEnd().split('\n').pop()!

describe.each(ENGINES)('aiscout server subcommands on %s', (engine: EngineName) => {
  let args: string[]
  let env: Record<string, string | undefined>

  beforeAll(async () => {
    const t = await freshTarget(engine)
    args = t.dataDir ? ['--data', t.dataDir] : []
    env = { DATABASE_URL: t.databaseUrl }
  })

  it('enroll-secret create prints the secret on its last line; list and revoke', () => {
    const c = run(['server', 'enroll-secret', 'create', ...args, '--team', 'ml team'], env)
    expect(c.code, c.stderr).toBe(0)
    expect(lastLine(c.stdout)).toMatch(/^aise_[A-Za-z0-9_-]{43}$/)
    const id = /(es_[0-9a-f]{20})/.exec(c.stdout)![1]!
    const l = run(['server', 'enroll-secret', 'list', ...args], env)
    expect(l.stdout).toContain(id)
    expect(l.stdout).toContain('team=ml team')
    expect(l.stdout).not.toContain(lastLine(c.stdout))
    expect(run(['server', 'enroll-secret', 'revoke', id, ...args], env).code).toBe(0)
    expect(run(['server', 'enroll-secret', 'revoke', id, ...args], env).code).toBe(2)
    expect(run(['server', 'enroll-secret', 'create', ...args, '--team', '../x'], env).code).toBe(2)
  })

  it('admin-token create prints a token the fleet API accepts; start prints its URL', async () => {
    const t = run(['server', 'admin-token', 'create', ...args, '--role', 'viewer'], env)
    expect(t.code, t.stderr).toBe(0)
    const token = lastLine(t.stdout)
    expect(token).toMatch(/^aisa_/)
    const srv = await startServerProcess({
      port: await freePort(),
      dataDir: args[1],
      databaseUrl: env.DATABASE_URL,
    })
    try {
      expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const r = await fetch(`${srv.url}/api/fleet/v1/devices`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(r.status).toBe(200)
      const h = await fetch(`${srv.url}/healthz`)
      expect(((await h.json()) as { storage: string }).storage).toBe(engine)
    } finally {
      expect(await srv.kill('SIGTERM')).toBe('0')
    }
  })

  it('export writes json, csv and cyclonedx to --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-export-'))
    for (const format of ['json', 'csv', 'cyclonedx']) {
      const out = join(dir, `fleet.${format}`)
      const r = run(['server', 'export', ...args, '--format', format, '--out', out], env)
      expect(r.code, r.stderr).toBe(0)
      expect(readFileSync(out, 'utf8').length).toBeGreaterThan(10)
    }
    expect(JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')).assets).toEqual([])
    expect(run(['server', 'export', ...args, '--format', 'sarif'], env).code).toBe(2)
    expect(run(['server', 'export', ...args], env).code).toBe(2)
  })
})

describe('aiscout server usage errors', () => {
  it('refuses --data together with DATABASE_URL, unknown subcommands and bad flags (exit 2)', () => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-srv-'))
    const both = run(['server', 'enroll-secret', 'create', '--data', d], {
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    })
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/DATABASE_URL/)
    expect(run(['server', 'frobnicate']).code).toBe(2)
    expect(run(['server', 'start', '--data', d, '--port', '99999']).code).toBe(2)
    expect(run(['server', 'start', '--data', d, '--tls-cert', 'x.pem']).code).toBe(2)
    const badUrl = run(['server', 'export', '--format', 'json'], { DATABASE_URL: 'mysql://x' })
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toMatch(/postgres/)
    const help = run(['server', 'help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('aiscout server start')
  })
})
