import { describe, expect, it } from 'vitest'
import { IpcFault } from '../../src/main/errors'
import { createIpcRouter } from '../../src/main/ipc-router'
import type { IpcHandlers } from '../../src/shared/ipc'
import { INVOKE_CHANNELS, IPC_ARGS } from '../../src/shared/ipc'
import { EVENT_METHODS, INVOKE_METHODS } from '../../src/shared/ipc-channels'

/** A handler table whose every handler records its call and answers `ok`. */
function recordingHandlers(): { handlers: IpcHandlers; calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = []
  const handlers = Object.fromEntries(
    INVOKE_CHANNELS.map((c) => [
      c,
      async (...args: unknown[]) => {
        calls.push([c, args])
        return 'ok'
      },
    ]),
  ) as unknown as IpcHandlers
  return { handlers, calls }
}

describe('IPC router: every argument validated before a handler runs', () => {
  it('has a schema and a preload method for every channel, and no method twice', () => {
    expect(Object.keys(IPC_ARGS).sort()).toEqual([...INVOKE_CHANNELS].sort())
    const methods = [...Object.values(INVOKE_METHODS), ...Object.values(EVENT_METHODS)]
    expect(new Set(methods).size).toBe(methods.length)
  })

  it('passes well-formed calls through and wraps the result', async () => {
    const { handlers, calls } = recordingHandlers()
    const r = createIpcRouter(handlers)
    expect(await r.invoke('overview:get', [])).toEqual({ ok: true, value: 'ok' })
    expect(
      await r.invoke('assets:list', [
        { kinds: ['model'], text: 'llama', sort: { key: 'size', dir: 'desc' }, limit: 200 },
      ]),
    ).toEqual({ ok: true, value: 'ok' })
    expect(
      await r.invoke('risk:accept', [
        { findingId: 'a1b2c3', note: 'test fixture', expiresAt: '2030-01-01T00:00:00.000Z' },
      ]),
    ).toMatchObject({ ok: true })
    expect(
      await r.invoke('settings:update', [
        {
          section: 'probes',
          value: { runVersions: true, identifyServers: false, scanSource: false, scanEnv: false },
        },
      ]),
    ).toMatchObject({ ok: true })
    expect(calls.map((c) => c[0])).toEqual([
      'overview:get',
      'assets:list',
      'risk:accept',
      'settings:update',
    ])
  })

  const bad: [string, unknown, RegExp][] = [
    ['assets:list', [{ kinds: 'model' }], /kinds must be array/],
    ['assets:list', [{ kinds: ['weights'] }], /kinds\/0/],
    ['assets:list', [{ limit: 100000 }], /limit must be <= 500/],
    ['assets:list', [{ limit: 2.5 }], /limit must be integer/],
    ['assets:list', [{ text: 'x'.repeat(201) }], /text must NOT have more than 200/],
    ['assets:list', [{ sort: { key: 'rowid; DROP TABLE assets', dir: 'asc' } }], /sort\/key/],
    ['assets:list', [{ extra: 1 }], /unknown field "extra"/],
    ['assets:list', [], /must NOT have fewer than 1 items/],
    ['assets:list', 'not-an-array', /must be array/],
    ['assets:get', [{ id: '../../etc/passwd' }], /id must match pattern/],
    ['assets:get', [{ id: 42 }], /id must be string/],
    ['assets:get', [{ id: 'model:1' }, 'extra'], /must NOT have more than 1 items/],
    ['risk:accept', [{ findingId: 'abc', note: '   ' }], /note must match pattern/],
    ['risk:accept', [{ findingId: 'abc' }], /missing "note"/],
    ['risk:accept', [{ findingId: 'abc', note: 'x', expiresAt: 'next week' }], /expiresAt/],
    ['settings:update', [{ section: 'scan', value: { roots: 'x' } }], /argument/],
    ['settings:update', [{ section: 'nope', value: {} }], /argument/],
    ['inventory:clear', [{ confirm: 'yes' }], /confirm/],
    ['export:save', [{ format: 'exe' }], /format/],
    ['shell:reveal', [{ path: '/etc/passwd' }], /argument/],
    ['clipboard:write', [{ text: '' }], /argument/],
    ['scan:start', [{ paths: [] }], /paths must NOT have fewer than 1 items/],
  ]
  it.each(bad)(
    '%s with %j gets an invalid-argument reply and never runs the handler',
    async (channel, args, why) => {
      const { handlers, calls } = recordingHandlers()
      const reply = await createIpcRouter(handlers).invoke(channel, args)
      expect(reply.ok).toBe(false)
      if (!reply.ok) {
        expect(reply.error.code).toBe('invalid-argument')
        expect(reply.error.message).toMatch(why)
      }
      expect(calls).toEqual([])
    },
  )

  it.each(INVOKE_CHANNELS)(
    '%s: its schema compiles and refuses arguments that are not a list',
    async (c) => {
      const { handlers, calls } = recordingHandlers()
      const reply = await createIpcRouter(handlers).invoke(c, { 0: 'x' })
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
      expect(calls).toEqual([])
    },
  )

  it('refuses an unknown channel, including prototype names', async () => {
    const { handlers } = recordingHandlers()
    const r = createIpcRouter(handlers)
    for (const c of ['fs:read', '__proto__', 'constructor', 'toString']) {
      const reply = await r.invoke(c, [])
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    }
  })

  it('turns handler failures into replies: a fault keeps its code, anything else is internal', async () => {
    const { handlers } = recordingHandlers()
    const errors: unknown[] = []
    const r = createIpcRouter(
      {
        ...handlers,
        'assets:get': async () => {
          throw new IpcFault('not-found', 'No asset with id model:9 in the inventory')
        },
        'overview:get': async () => {
          throw new TypeError(
            "Cannot read properties of undefined (reading 'x')\n    at secret.ts:1",
          )
        },
        'findings:get': async () => {
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
        },
        'history:list': async () => {
          throw Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' })
        },
      },
      { onError: (_c, e) => errors.push(e) },
    )
    expect(await r.invoke('assets:get', [{ id: 'model:9' }])).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No asset with id model:9 in the inventory' },
    })
    const internal = await r.invoke('overview:get', [])
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(JSON.stringify(internal)).not.toMatch(/secret\.ts|Cannot read/)
    expect(await r.invoke('findings:get', [{ id: 'f1' }])).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    })
    expect(await r.invoke('history:list', [{}])).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: expect.stringMatching(/cannot be read .*SQLITE_NOTADB/),
      },
    })
    expect(errors).toHaveLength(4)
  })
})
