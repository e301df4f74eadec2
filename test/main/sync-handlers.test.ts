import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/core'
import { createHandlers } from '../../src/main/handlers'
import type { AppHandlers, HandlerDeps } from '../../src/main/handlers'
import { createIpcRouter } from '../../src/main/ipc-router'
import type { IpcRouter } from '../../src/main/ipc-router'
import { safeTokenStore } from '../../src/main/safe-token-store'
import type { Timers } from '../../src/main/sync/controller'
import { plainError } from '../../src/main/sync/words'
import type { IpcReply, SyncPreviewView, SyncRunResult, SyncView } from '../../src/shared/ipc'
import { makeFakeHome, write } from '../fixtures/generators/fake-home'
import type { FakeHome } from '../fixtures/generators/fake-home'
import { testDeps } from '../helpers/handler-deps'
import { startSyncServer } from '../helpers/sync-server'
import type { SyncServer } from '../helpers/sync-server'
import { waitFor } from '../helpers/wait'
import { keychain } from '../helpers/keychain'

const OUT = join(resolve(__dirname, '../..'), 'out/main')
const FAST = { attempts: 2, baseMs: 5, capMs: 20 }

/** Every text value in every table of the inventory (the token must be in none of them). */
function everyText(dbPath: string): string {
  const db = openDb(dbPath)
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
      name: string
    }[]
    const out: string[] = []
    for (const { name } of tables)
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
        for (const v of Object.values(row))
          out.push(Buffer.isBuffer(v) ? v.toString('latin1') : String(v))
    return out.join('\n')
  } finally {
    db.close()
  }
}

type App = {
  app: AppHandlers
  router: IpcRouter
  replies: string[]
  dir: string
  t: ReturnType<typeof testDeps>
}

function open(home: string, over: Partial<HandlerDeps> = {}): App {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-sync-app-'))
  const t = testDeps(dir, home, {
    sync: { retry: FAST, debounceMs: 50, env: { AISCOUT_HARDWARE_ID: `hw-${dir}` } },
    ...over,
  })
  const app = createHandlers(t.deps)
  const r = createIpcRouter(app.handlers)
  const replies: string[] = []
  const router: IpcRouter = {
    invoke: async (c, a) => {
      const x = await r.invoke(c, a)
      replies.push(JSON.stringify(x))
      return x
    },
  }
  return { app, router, replies, dir, t }
}

async function ok<T>(p: Promise<IpcReply<unknown>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as T
}

describe('Settings → Sync over the handler table, against a real server on loopback', () => {
  let server: SyncServer
  let fake: FakeHome
  const cleanup: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(OUT, 'sync-worker.js')))
      throw new Error('out/main/sync-worker.js is missing: run `npm run build` first')
    server = await startSyncServer()
    fake = makeFakeHome('aiscout-sync-home-')
    cleanup.push(fake.home)
  })
  afterAll(async () => {
    await server?.close()
    for (const d of cleanup) rmSync(d, { recursive: true, force: true })
  })

  it('refuses bad input with a clear error and sends nothing', async () => {
    const a = open(fake.home)
    cleanup.push(a.dir)
    try {
      const bad: [string, unknown[]][] = [
        ['sync:enroll', [{ serverUrl: 42, enrollSecret: server.enrollSecret }]],
        ['sync:enroll', [{ serverUrl: 'ftp://example.com', enrollSecret: server.enrollSecret }]],
        ['sync:enroll', [{ serverUrl: server.url }]],
        ['sync:enroll', [{ serverUrl: server.url, enrollSecret: 'x', extra: 1 }]],
        ['sync:disconnect', [{}]],
        ['sync:now', ['now']],
        ['sync:preview', [{ sample: 1000 }]],
      ]
      for (const [c, args] of bad) {
        const r = await a.router.invoke(c, args)
        expect(r.ok, `${c} ${JSON.stringify(args)}`).toBe(false)
        if (!r.ok) expect(r.error.code).toBe('invalid-argument')
      }
      // A URL the schema lets through but the sync client cannot use.
      const creds = await a.router.invoke('sync:enroll', [
        { serverUrl: 'http://user:pw@127.0.0.1:1', enrollSecret: server.enrollSecret },
      ])
      expect(creds).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
      // Not enrolled: Sync now says what to do.
      const now = await a.router.invoke('sync:now', [])
      expect(now).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
      if (!now.ok) expect(now.error.message).toMatch(/not enrolled/)
      // A wrong secret is refused by the server and the device stays unenrolled.
      const wrong = await ok<SyncRunResult>(
        a.router.invoke('sync:enroll', [{ serverUrl: server.url, enrollSecret: 'wrong-secret-1' }]),
      )
      expect(wrong.attempt.result).toBe('rejected')
      expect(wrong.view.enrolled).toBe(false)
      expect(existsSync(`${a.t.deps.dbPath}.sync-token`)).toBe(false)
    } finally {
      await a.app.close()
    }
  })

  it('enrolls, previews, syncs now and after a scan; the token stays in its store', async () => {
    const a = open(fake.home)
    cleanup.push(a.dir)
    const tokenFile = `${a.t.deps.dbPath}.sync-token`
    try {
      await ok(a.router.invoke('scan:start', [{}]))
      // Before enrollment: the first snapshot, with the default path rule.
      const before = await ok<SyncPreviewView>(a.router.invoke('sync:preview', [{}]))
      expect(before).toMatchObject({ enrolled: false, snapshot: true, uploadPaths: 'home' })
      expect(before.assetsByKind.model).toBeGreaterThan(0)

      const e = await ok<SyncRunResult>(
        a.router.invoke('sync:enroll', [
          { serverUrl: server.url, enrollSecret: server.enrollSecret },
        ]),
      )
      expect(e.attempt.result).toBe('enrolled')
      expect(e.view).toMatchObject({ enrolled: true, server: server.url, pending: { items: 0 } })
      expect(e.view.deviceId).toMatch(/^dev_/)
      expect(e.view.enrolledAt).toBeDefined()
      // Enrolling sent nothing: the inventory goes with Sync now.
      expect(e.view.lastSyncAt).toBeUndefined()
      const token = readFileSync(tokenFile, 'utf8').trim()
      expect(token.length).toBeGreaterThan(16)
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600)

      const p = await ok<SyncPreviewView>(a.router.invoke('sync:preview', [{ sample: 3 }]))
      expect(p.enrolled).toBe(true)
      const items = p.samples.flatMap((g) => g.items)
      expect(items.length).toBeGreaterThan(0)
      expect(p.samples.every((g) => g.items.length <= 3)).toBe(true)
      // Paths as sent: the home folder written as ~.
      const paths = items.map((i) => i.data?.path).filter((x): x is string => typeof x === 'string')
      expect(paths.some((x) => x.startsWith('~/'))).toBe(true)
      expect(paths.some((x) => x.startsWith(fake.home))).toBe(false)

      const s = await ok<SyncRunResult>(a.router.invoke('sync:now', []))
      expect(s.attempt.result).toBe('synced')
      expect(s.attempt.sentItems).toBeGreaterThan(0)
      expect(s.view.pending.items).toBe(0)
      expect(s.view.lastSyncAt).toBeDefined()
      const devices = (await server.fleet('/devices')) as { devices: { id: string }[] }
      expect(devices.devices.map((d) => d.id)).toContain(s.view.deviceId)

      // A scan that finds a change is followed by a sync on its own (debounced).
      write(join(fake.home, 'models', 'second.gguf'), Buffer.from('GGUF\x03\x00\x00\x00'))
      await ok(a.router.invoke('scan:start', [{}]))
      const auto = await waitFor(async () => {
        const v = await ok<SyncView>(a.router.invoke('sync:status', []))
        return v.lastAttempt?.trigger === 'change' && !v.running ? v : undefined
      }, 'the sync after the scan')
      expect(auto.lastAttempt?.result).toBe('synced')
      expect(auto.lastAttempt?.sentItems).toBeGreaterThan(0)
      // The status line knows.
      const st = await ok<{ sync?: { state: string } }>(a.router.invoke('status:get', []))
      expect(st.sync?.state).toBe('synced')

      // The token crossed no reply, event, table or log line; neither did the key value.
      const everything = [
        ...a.replies,
        ...a.t.events.map((x) => JSON.stringify(x)),
        everyText(a.t.deps.dbPath),
        readFileSync(a.t.deps.log.path, 'utf8'),
      ].join('\n')
      expect(everything).not.toContain(token)
      expect(everything).not.toContain(fake.key)
      expect(everything).not.toContain(server.enrollSecret)

      // Disconnect forgets the token and the server; Sync now is refused after it.
      const d = await ok<SyncView>(a.router.invoke('sync:disconnect', [{ confirm: 'disconnect' }]))
      expect(d).toMatchObject({ enrolled: false, pending: { items: 0 } })
      expect(d.server).toBeUndefined()
      expect(existsSync(tokenFile)).toBe(false)
      expect((await a.router.invoke('sync:now', [])).ok).toBe(false)
    } finally {
      await a.app.close()
    }
  }, 180_000)

  it('keeps the token encrypted through the keychain store, and refuses to enroll without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-sync-safe-'))
    cleanup.push(dir)
    const none = open(fake.home, {
      tokens: safeTokenStore(join(dir, 'none.enc'), keychain(false)),
    })
    cleanup.push(none.dir)
    try {
      const v = await ok<SyncView>(none.router.invoke('sync:status', []))
      expect(v.tokenStorageProblem).toMatch(/keychain/)
      const r = await none.router.invoke('sync:enroll', [
        { serverUrl: server.url, enrollSecret: server.enrollSecret },
      ])
      expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } })
      expect(existsSync(join(dir, 'none.enc'))).toBe(false)
    } finally {
      await none.app.close()
    }

    const file = join(dir, 'app.sync-token.enc')
    const cipher = keychain()
    const a = open(fake.home, { tokens: safeTokenStore(file, cipher) })
    cleanup.push(a.dir)
    try {
      await ok(a.router.invoke('scan:start', [{}]))
      const e = await ok<SyncRunResult>(
        a.router.invoke('sync:enroll', [
          { serverUrl: server.url, enrollSecret: server.enrollSecret },
        ]),
      )
      expect(e.view.enrolled).toBe(true)
      const token = safeTokenStore(file, cipher).read()!
      expect(token).toMatch(/\S{16,}/)
      // Encrypted on disk; no clear-text token file beside the inventory.
      expect(readFileSync(file).includes(Buffer.from(token))).toBe(false)
      expect(existsSync(`${a.t.deps.dbPath}.sync-token`)).toBe(false)
      expect((await ok<SyncRunResult>(a.router.invoke('sync:now', []))).attempt.result).toBe(
        'synced',
      )
      expect(everyText(a.t.deps.dbPath)).not.toContain(token)
      expect(readFileSync(a.t.deps.log.path, 'utf8')).not.toContain(token)
      expect(a.replies.join('\n')).not.toContain(token)
    } finally {
      await a.app.close()
    }
  }, 180_000)

  it('syncs on the server’s interval, keeps changes while the server is down, stops when revoked', async () => {
    const timers: { fn: () => void; ms: number; live: boolean }[] = []
    const fakeTimers: Timers = {
      set(fn, ms) {
        const t = { fn, ms, live: true }
        timers.push(t)
        return t
      },
      clear: (h) => void ((h as { live: boolean }).live = false),
    }
    const home = makeFakeHome('aiscout-sync-home2-')
    cleanup.push(home.home)
    const a = open(home.home, {
      sync: {
        retry: FAST,
        timers: fakeTimers,
        env: { AISCOUT_HARDWARE_ID: 'hw-interval' },
      },
    })
    cleanup.push(a.dir)
    try {
      await ok(a.router.invoke('scan:start', [{}]))
      await ok(
        a.router.invoke('sync:enroll', [
          { serverUrl: server.url, enrollSecret: server.enrollSecret },
        ]),
      )
      await ok(a.router.invoke('sync:now', []))
      // The server's default interval (15 min), armed after the sync.
      const periodic = () => timers.filter((t) => t.live && t.ms === 900_000)
      await waitFor(() => periodic().length === 1, 'the periodic timer')

      // The server goes away; a change is scanned; the scheduled sync keeps it in the outbox.
      await server.stop()
      write(join(home.home, 'models', 'third.gguf'), Buffer.from('GGUF\x03\x00\x00\x00'))
      await ok(a.router.invoke('scan:start', [{}]))
      const t = periodic()[0]!
      t.live = false
      t.fn()
      const off = await waitFor(async () => {
        const v = await ok<SyncView>(a.router.invoke('sync:status', []))
        return v.lastAttempt?.trigger === 'schedule' && !v.running ? v : undefined
      }, 'the scheduled sync')
      expect(off.lastAttempt?.result).toBe('unreachable')
      expect(off.lastAttempt?.message).toMatch(/^Server unreachable: .*\d+ changes? kept/)
      expect(off.pending.items).toBeGreaterThan(0)
      expect(off.lastError).toMatch(/nothing answers|ECONNREFUSED/)

      // Back: the next one drains the outbox.
      await server.start()
      const back = await ok<SyncRunResult>(a.router.invoke('sync:now', []))
      expect(back.attempt.result).toBe('synced')
      expect(back.view.pending.items).toBe(0)
      expect(back.view.lastError).toBeUndefined()

      // An admin revokes the device: the next sync stops, the token is forgotten, and the
      // screen asks for a new enroll secret.
      const rv = await fetch(`${server.url}/api/fleet/v1/devices/${back.view.deviceId}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}` },
      })
      expect(rv.status).toBe(200)
      const revoked = await ok<SyncRunResult>(a.router.invoke('sync:now', []))
      expect(revoked.attempt.result).toBe('revoked')
      expect(revoked.view).toMatchObject({ revoked: true, enrolled: false })
      expect(existsSync(`${a.t.deps.dbPath}.sync-token`)).toBe(false)
      const again = await a.router.invoke('sync:now', [])
      expect(again.ok).toBe(false)
      if (!again.ok) expect(again.error.message).toMatch(/revoked/)
    } finally {
      await a.app.close()
    }
  }, 180_000)
})

describe('sync errors in plain words', () => {
  it('names network failures and HTTP statuses', () => {
    expect(plainError('ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)')).toBe(
      'nothing answers at that address (ECONNREFUSED)',
    )
    expect(plainError('HTTP 503 unavailable')).toBe('the server had a problem (HTTP 503)')
    expect(plainError('HTTP 429')).toMatch(/busy/)
    expect(plainError('something else')).toBe('something else')
  })
})
