import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/core/storage/db'
import { expectServerHolds } from '../core/sync/helpers'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import {
  CLI,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
} from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'

/**
 * The README's path from nothing to a synced laptop, with real processes: `aiscout server start`,
 * `aiscout server enroll-secret create`, `aiscout scan --sync`; then `aiscout sync` and its dry run.
 */

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', AISCOUT_HARDWARE_ID: 'cli-test-laptop', ...env },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

afterAll(stopAllServerProcesses)

describe('three commands from nothing to a synced laptop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-sync-cli-'))
  const data = join(dir, 'server')
  const db = join(dir, 'inventory.db')
  let srv: ServerProcess

  beforeAll(async () => {
    if (!existsSync(CLI))
      throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
    srv = await startServerProcess({ port: await freePort(), dataDir: data })
  })
  afterAll(async () => {
    await srv?.kill('SIGTERM')
  })

  it('server start prints its URL; enroll-secret create; scan --sync; sync; dry run', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const secret = run(['server', 'enroll-secret', 'create', '--data', data])
      .stdout.trimEnd()
      .split('\n')
      .pop()!
    const fake = makeFakeHome()
    const scanned = run([
      'scan',
      '--home',
      fake.home,
      '--db',
      db,
      '--quiet',
      '--format',
      'json',
      '--out',
      join(dir, 'scan.json'),
      '--sync',
      '--server',
      srv.url,
      '--enroll-secret',
      secret,
    ])
    // 1: the fake home has findings at or above medium; the sync itself succeeded.
    expect(scanned.code, scanned.stderr).toBe(1)
    expect(scanned.stdout).toMatch(/synced with .* everything acknowledged/)
    expect(statSync(`${db}.sync-token`).mode & 0o777).toBe(0o600)

    // The server holds exactly the inventory, key fingerprints included (the scan ran after the
    // enrollment, under the organisation's key).
    const { view, deviceId } = await expectServerHolds({ dataDir: data }, db)
    expect([...view.keys()].some((k) => k.startsWith('asset:secret:'))).toBe(true)

    // Nothing changed: sync sends nothing and exits 0; the dry run shows no batch.
    const again = run(['sync', '--db', db])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/0 batches/)
    const dry = run(['sync', '--db', db, '--dry-run'])
    expect(dry.code).toBe(0)
    const doc = JSON.parse(dry.stdout)
    expect(doc).toMatchObject({ server: srv.url, deviceId, enrolled: true, batches: [] })
  })

  it('dry run of a device not enrolled yet: the whole first snapshot, home replaced, keys held back', () => {
    const fake = makeFakeHome()
    const db2 = join(dir, 'other.db')
    expect(run(['scan', '--home', fake.home, '--db', db2, '--quiet']).code).toBe(1)
    const dry = run(['sync', '--db', db2, '--server', srv.url, '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    const doc = JSON.parse(dry.stdout)
    expect(doc.enrolled).toBe(false)
    expect(doc.summary.snapshot).toBe(true)
    expect(doc.summary.heldBack).toBeGreaterThan(0)
    const kinds = doc.batches.map((b: { body: { mode?: string } }) => b.body.mode ?? 'commit')
    expect(kinds[kinds.length - 1]).toBe('commit')
    expect(dry.stdout).not.toContain(fake.home)
    expect(dry.stdout).not.toContain(fake.key)
    // Nothing was queued or sent by the dry run.
    const inv = openDb(db2)
    expect((inv.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n).toBe(0)
    inv.close()
  })

  it('exit 2 when the server cannot be reached, 1 when the enroll secret is refused, 2 on usage errors', async () => {
    const fake = makeFakeHome()
    const db3 = join(dir, 'third.db')
    run(['scan', '--home', fake.home, '--db', db3, '--quiet'])
    const down = run([
      'sync',
      '--db',
      db3,
      '--server',
      `http://127.0.0.1:${await freePort()}`,
      '--enroll-secret',
      'aise_whatever_whatever',
    ])
    expect(down.code).toBe(2)
    expect(down.stderr).toMatch(/cannot reach/)
    const refused = run([
      'sync',
      '--db',
      db3,
      '--server',
      srv.url,
      '--enroll-secret',
      'aise_whatever_whatever',
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/enroll/)
    expect(run(['sync', '--db', db3]).code).toBe(2)
    expect(run(['sync', '--db', join(dir, 'missing.db'), '--server', srv.url]).code).toBe(2)
    expect(run(['scan', '--home', fake.home, '--db', db3, '--server', srv.url]).code).toBe(2)
  })
})
