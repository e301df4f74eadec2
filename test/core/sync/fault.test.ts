import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import { putConfigItem } from '../../../src/server/storage/config-items'
import { createEnrollSecret } from '../../../src/server/storage/enroll-secrets'
import { openStorage } from '../../../src/server/storage/open'
import { ensureOrg } from '../../../src/server/storage/orgs'
import { makeFakeHome, seededChars, write } from '../../fixtures/generators/fake-home'
import { ENGINES, freshTarget, stopPg } from '../../server/helpers/engines'
import type { EngineName, StorageTarget } from '../../server/helpers/engines'
import {
  CLI,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
  stoppingAll,
} from '../../server/helpers/server-process'
import type { ServerProcess } from '../../server/helpers/server-process'
import { expectServerHolds } from './helpers'

/**
 * Fault tests with real processes on loopback (minutes, not seconds: every step starts a
 * process; hence the long per-test timeouts) (the CLI client and the CLI server): the server
 * down across several scans, the client killed mid-sync, the server killed with SIGKILL during
 * ingest. Each ends with the server holding exactly the client's inventory.
 */

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(async () => {
  await stopAllServerProcesses()
  await stopPg()
})

type Proc = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Proc {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
  })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

/** Starts a CLI process and SIGKILLs it after `ms` (if still running). */
function cliKilledAfter(args: string[], ms: number, env: Record<string, string>): Promise<Proc> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (c) => (stdout += c))
    p.stderr.on('data', (c) => (stderr += c))
    const t = setTimeout(() => p.kill('SIGKILL'), ms)
    p.once('exit', (code, signal) => {
      clearTimeout(t)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One laptop and one server (restartable on the same port and storage). */
async function setup(engine: EngineName, batchItems: number) {
  const target: StorageTarget = await freshTarget(engine)
  const port = await freePort()
  const storage = await openStorage(target)
  const secret = (await createEnrollSecret(storage)).secret
  // Small batches: a sync is many requests, so kills land in the middle of it.
  const org = await ensureOrg(storage)
  await putConfigItem(storage, {
    scope: 'org',
    scopeId: org.id,
    kind: 'setting',
    key: 'maxBatchItems',
    value: batchItems,
  })
  await storage.close()
  const fake = makeFakeHome()
  // More assets: a second model store and key files.
  for (let i = 0; i < 12; i++)
    write(
      join(fake.home, 'keys', `p${i}`, '.env'),
      `HF_TOKEN=hf_${seededChars(1000 + i, 34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}\n`,
      0o600,
    )
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-fault-'))
  const db = join(dir, 'inventory.db')
  const env = { AISCOUT_HARDWARE_ID: `fault-${engine}-${port}` }
  const url = `http://127.0.0.1:${port}`
  const start = (fault?: string) =>
    startServerProcess({
      port,
      dataDir: target.dataDir,
      databaseUrl: target.databaseUrl,
      env: fault ? { AISCOUT_SERVER_FAULT: fault } : {},
    })
  const scanArgs = [
    'scan',
    '--home',
    fake.home,
    '--db',
    db,
    '--quiet',
    '--format',
    'json',
    '--out',
    join(dir, 'last.json'),
  ]
  const check = async () => (await expectServerHolds(target, db)).view
  const outboxSize = () => {
    const inv = openDb(db)
    try {
      return (inv.prepare(`SELECT count(*) AS n FROM sync_outbox`).get() as { n: number }).n
    } finally {
      inv.close()
    }
  }
  return { fake, db, env, url, secret, start, scanArgs, check, outboxSize }
}

describe('server down during several scans', () => {
  it(
    'the outbox holds every change and drains when the server is back',
    { timeout: 300_000 },
    async () => {
      const t = await setup('sqlite', 6)
      let srv: ServerProcess | undefined = await t.start()
      try {
        const first = cli(
          [...t.scanArgs, '--sync', '--server', t.url, '--enroll-secret', t.secret],
          t.env,
        )
        expect(first.stdout, first.stderr).toMatch(/everything acknowledged/)
        await t.check()
        await srv.kill('SIGTERM')
        srv = undefined
        for (let i = 0; i < 3; i++) {
          write(
            join(t.fake.home, 'offline', `n${i}.ipynb`),
            JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
          )
          if (i === 1) rmSync(t.fake.paths.good)
          const r = cli([...t.scanArgs, '--sync'], t.env)
          expect(r.code, r.stderr).toBe(2)
          expect(r.stderr).toMatch(/cannot reach .* wait in the outbox/)
          expect(t.outboxSize()).toBeGreaterThan(0)
        }
        srv = await t.start()
        const r = cli(['sync', '--db', t.db], t.env)
        expect(r.code, r.stderr).toBe(0)
        const view = await t.check()
        expect(
          [...view.keys()].filter((k) => k.startsWith('asset:notebook:')).length,
        ).toBeGreaterThanOrEqual(4)
      } finally {
        await srv?.kill('SIGTERM')
      }
    },
  )
})

describe('client killed mid-sync', () => {
  it(
    'resumes at crash points and after SIGKILL at random moments; nothing lost or applied twice',
    { timeout: 300_000 },
    async () => {
      const t = await setup('sqlite', 3)
      const srv = await t.start()
      try {
        // Killed right after the server acknowledged its 3rd batch, before recording it.
        const k1 = cli([...t.scanArgs, '--sync', '--server', t.url, '--enroll-secret', t.secret], {
          ...t.env,
          AISCOUT_SYNC_FAULT: 'after-send:3',
        })
        expect(k1.signal).toBe('SIGKILL')
        expect(t.outboxSize()).toBeGreaterThan(0)
        const r1 = cli(['sync', '--db', t.db], t.env)
        expect(r1.code, r1.stderr).toBe(0)
        // The batch the server had already applied comes back as a duplicate.
        expect(r1.stderr).toMatch(/already received/)
        await t.check()
        // Killed right after queueing a change, before sending it.
        write(
          join(t.fake.home, 'later', 'x.ipynb'),
          JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
        )
        const k2 = cli([...t.scanArgs, '--sync'], {
          ...t.env,
          AISCOUT_SYNC_FAULT: 'after-enqueue:1',
        })
        expect(k2.signal).toBe('SIGKILL')
        expect(cli(['sync', '--db', t.db], t.env).code).toBe(0)
        await t.check()
        // From outside, at moments spread over a long sync (a forced full snapshot).
        let seed = 11
        const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647
        for (let round = 0; round < 3; round++) {
          rmSync(join(t.fake.home, 'keys', `p${round}`), { recursive: true, force: true })
          cli(t.scanArgs, t.env)
          const k = await cliKilledAfter(
            ['sync', '--db', t.db],
            300 + Math.floor(rand() * 1500),
            t.env,
          )
          expect(k.code === 0 || k.signal === 'SIGKILL').toBe(true)
          const r = cli(['sync', '--db', t.db], t.env)
          expect(r.code, r.stderr).toBe(0)
          await t.check()
        }
      } finally {
        await srv.kill('SIGTERM')
      }
    },
  )
})

describe.each(ENGINES)('server killed with SIGKILL during ingest on %s', (engine: EngineName) => {
  it(
    'the client retries until the server holds exactly its inventory',
    { timeout: 300_000 },
    async () => {
      const t = await setup(engine, 3)
      // Each server process dies at its armed point: before a batch is applied, inside the open
      // transaction, right after the commit; a supervisor restarts it on the same port.
      const faults = ['before-apply:2', 'mid-apply:2', 'after-commit:2']
      let stopping = false
      let restarts = 0
      let srv: ServerProcess = await t.start(faults.shift())
      const supervise = (p: ServerProcess): void => {
        void p.exited.then(async (how) => {
          if (stopping || stoppingAll) return
          expect(how).toBe('SIGKILL')
          restarts++
          srv = await t.start(faults.shift())
          supervise(srv)
        })
      }
      supervise(srv)
      try {
        let last: Proc | undefined
        for (let run = 0; run < 30; run++) {
          // The first run enrolls, scans under the organisation's key and starts the snapshot;
          // later runs resume what is queued.
          last = cli(
            run === 0
              ? [...t.scanArgs, '--sync', '--server', t.url, '--enroll-secret', t.secret]
              : ['sync', '--db', t.db],
            t.env,
          )
          if (/everything acknowledged/.test(last.stdout)) break
          expect(last.code, last.stderr).toBe(2)
          await sleep(200)
        }
        expect(last?.stdout, last?.stderr).toMatch(/everything acknowledged/)
        expect(restarts).toBe(3)
        await t.check()
        // Changes after the storm still flow.
        rmSync(t.fake.paths.env)
        const r = cli([...t.scanArgs, '--sync'], t.env)
        expect(r.stdout, r.stderr).toMatch(/everything acknowledged/)
        await t.check()
      } finally {
        stopping = true
        await srv.kill('SIGTERM')
      }
    },
  )
})
