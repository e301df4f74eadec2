import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAudit } from '../../../src/server/storage/audit'
import { assetUpsert, findingUpsert } from '../helpers/batches'
import { PASSWORDS, startDashServer } from './helpers'
import type { DashServer } from './helpers'

const F = '/api/fleet/v1'
const D = '/api/dashboard/v1'

describe('dashboard sign-in, sessions, CSRF and roles', () => {
  let s: DashServer
  let deviceId: string

  beforeAll(async () => {
    s = await startDashServer('sqlite')
    deviceId = (
      await s.device(
        'alice-laptop',
        [assetUpsert('model:1', 'model')],
        [findingUpsert('f:1', 'model:1', 'critical')],
      )
    ).id
  })
  afterAll(async () => s?.close())

  it('signs in with a CSRF token and sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const b = s.browser()
    const anon = await b.call(`${D}/session`)
    expect(anon.json().user).toBeNull()
    const r = await b.signIn('ada', PASSWORDS.admin)
    expect(r.status).toBe(200)
    expect(r.json().user).toEqual({ name: 'ada', role: 'admin' })
    const cookie = ([] as string[])
      .concat(r.headers['set-cookie'])
      .find((c) => c.startsWith('aiscout_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\//)
    // The cookie holds an opaque id; the database holds only its digest.
    const id = b.cookies.get('aiscout_session')!
    const rows = await s.storage.db
      .selectFrom('sessions' as never)
      .selectAll()
      .execute()
    expect(JSON.stringify(rows)).not.toContain(id)
    expect((await b.call(`${F}/devices`)).status).toBe(200)
    expect((await b.call(`${D}/session`)).json().user.name).toBe('ada')
  })

  it('over HTTPS (behind a proxy) the cookie is Secure and __Host- prefixed', async () => {
    const t = await startDashServer('sqlite', { trustProxy: true })
    try {
      const b = t.browser()
      const h = { 'x-forwarded-proto': 'https' }
      b.csrf = (await b.call(`${D}/session`, { headers: h })).json().csrfToken
      const r = await b.call(`${D}/login`, {
        body: { user: 'ada', password: PASSWORDS.admin },
        headers: h,
      })
      expect(r.status).toBe(200)
      const cookie = ([] as string[])
        .concat(r.headers['set-cookie'])
        .find((c) => c.startsWith('__Host-aiscout_session='))!
      expect(cookie).toMatch(/Secure/)
      expect(cookie).toMatch(/HttpOnly/)
      expect((await b.call(`${F}/devices`, { headers: h })).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('refuses a wrong password, an unknown user and a sign-in without CSRF token', async () => {
    const b = s.browser()
    expect((await b.signIn('ada', 'wrong password!!')).status).toBe(401)
    expect((await b.signIn('nobody', PASSWORDS.admin)).status).toBe(401)
    const noToken = await s.browser().call(`${D}/login`, {
      body: { user: 'ada', password: PASSWORDS.admin },
    })
    expect(noToken.status).toBe(403)
    expect(noToken.json().error).toBe('forbidden')
    expect(b.cookies.has('aiscout_session')).toBe(false)
    const failed = await listAudit(s.storage, { action: 'sign-in-failed' })
    expect(failed.map((e) => e.target)).toEqual(expect.arrayContaining(['ada', 'nobody']))
    // The password never reaches the audit log.
    expect(JSON.stringify(failed)).not.toContain('wrong password')
  })

  it('session fixation: signing in replaces a planted session id and ends it', async () => {
    const attacker = s.browser()
    await attacker.signIn('vic', PASSWORDS.viewer)
    const planted = attacker.cookies.get('aiscout_session')!
    const victim = s.browser()
    victim.cookies.set('aiscout_session', planted)
    const r = await victim.signIn('ada', PASSWORDS.admin)
    expect(r.status).toBe(200)
    const fresh = victim.cookies.get('aiscout_session')!
    expect(fresh).not.toBe(planted)
    // The planted id no longer works for anyone, and never carries the victim's rights.
    expect((await attacker.call(`${F}/devices`)).status).toBe(401)
    expect((await victim.call(`${F}/enroll-secrets`)).status).toBe(200)
  })

  it('missing, forged and signed-out cookies get 401', async () => {
    expect((await s.browser().call(`${F}/devices`)).status).toBe(401)
    const forged = s.browser()
    forged.cookies.set('aiscout_session', 'aiss_' + 'A'.repeat(43))
    expect((await forged.call(`${F}/devices`)).status).toBe(401)
    forged.cookies.set('aiscout_session', "' OR 1=1 --")
    expect((await forged.call(`${F}/devices`)).status).toBe(401)
    const b = s.browser()
    await b.signIn('ada', PASSWORDS.admin)
    const id = b.cookies.get('aiscout_session')!
    expect((await b.call(`${D}/logout`, { method: 'POST' })).status).toBe(200)
    const replay = s.browser()
    replay.cookies.set('aiscout_session', id)
    expect((await replay.call(`${F}/devices`)).status).toBe(401)
  })

  it('CSRF: a state-changing request with the cookie needs the token of that session', async () => {
    const b = s.browser()
    await b.signIn('ada', PASSWORDS.admin)
    const other = s.browser()
    await other.signIn('ada', PASSWORDS.admin)
    const anonToken = (await s.browser().call(`${D}/session`)).json().csrfToken
    const create = (csrf: string | null) =>
      b.call(`${F}/enroll-secrets`, { body: { team: 'csrf' }, csrf })
    for (const token of [null, 'garbage', anonToken, other.csrf]) {
      const r = await create(token)
      expect(r.status, String(token)).toBe(403)
      expect(r.json().message).toMatch(/CSRF/)
    }
    expect((await create(b.csrf)).status).toBe(201)
    // Reads need no token; API tokens (no ambient credential) need none either.
    expect((await b.call(`${F}/enroll-secrets`, { csrf: null })).status).toBe(200)
    const api = await s.app.inject({
      method: 'POST',
      url: `${F}/enroll-secrets`,
      headers: { authorization: `Bearer ${s.apiToken}`, 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(api.statusCode).toBe(201)
  })

  it('a viewer reads but is refused every admin action, on the server', async () => {
    const v = s.browser()
    await v.signIn('vic', PASSWORDS.viewer)
    expect((await v.call(`${F}/devices`)).status).toBe(200)
    expect((await v.call(`${F}/findings`)).status).toBe(200)
    expect((await v.call(`${F}/search?q=x`)).status).toBe(200)
    const denied = [
      await v.call(`${F}/devices/${deviceId}/revoke`, { method: 'POST' }),
      await v.call(`${F}/devices/${deviceId}/resync`, { method: 'POST' }),
      await v.call(`${F}/enroll-secrets`, { body: {} }),
      await v.call(`${F}/enroll-secrets`),
      await v.call(`${F}/config/settings`, {
        method: 'PUT',
        body: { settings: { uploadPaths: 'full' } },
      }),
      await v.call(`${F}/findings/accept`, {
        body: { deviceId, findingKey: 'f:1', note: 'fine' },
      }),
      await v.call(`${F}/audit`),
    ]
    for (const r of denied) {
      expect(r.status, r.body).toBe(403)
      expect(r.json().error).toBe('forbidden')
    }
    expect((await v.call(`${F}/devices/${deviceId}`)).json().device.revokedAt).toBeNull()
  })

  it('admin actions are audited with who did them', async () => {
    const b = s.browser()
    await b.signIn('ada', PASSWORDS.admin)
    expect(
      (await b.call(`${F}/findings/accept`, { body: { deviceId, findingKey: 'f:1', note: 'ok' } }))
        .status,
    ).toBe(200)
    const r = await b.call(`${F}/audit`)
    expect(r.status).toBe(200)
    const actions = r.json().entries.map((e: { action: string; actor: string }) => e.action)
    expect(actions).toEqual(
      expect.arrayContaining(['sign-in', 'risk-accept', 'enroll-secret-create']),
    )
    const accept = r.json().entries.find((e: { action: string }) => e.action === 'risk-accept')
    expect(accept.actor).toBe('ada')
    expect(accept.target).toBe(`${deviceId}/f:1`)
  })
})

describe('sign-in rate limits', () => {
  it('limits sign-in attempts per address, and failures per user name across addresses', async () => {
    const s = await startDashServer('sqlite', { loginPerMinute: 3 })
    try {
      const b = s.browser('10.0.0.1')
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await b.signIn('ada', 'wrong password!!')).status)
      expect(codes).toEqual([401, 401, 401, 429])
      // Another address is not limited by the first one's attempts...
      expect((await s.browser('10.0.0.2').signIn('ada', PASSWORDS.admin)).status).toBe(200)
      // ...but ten failures for one name from many addresses lock that name for a while.
      for (let i = 0; i < 10; i++) await s.browser(`10.0.1.${i}`).signIn('vic', 'nope nope nope')
      expect((await s.browser('10.0.2.1').signIn('vic', PASSWORDS.viewer)).status).toBe(429)
    } finally {
      await s.close()
    }
  })
})
