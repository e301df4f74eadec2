import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, HttpError, requireRole } from '../../../src/server'
import type { AppContext, Authenticator } from '../../../src/server'
import { createApiToken } from '../../../src/server/storage/api-tokens'
import { openFresh } from '../helpers/engines'
import type { Storage } from '../../../src/server/storage/open'

/**
 * The dashboard (issue 20) slots in as a plugin: it adds its own sign-in to the fleet API's
 * authenticator list and guards its own routes with the same roles. This is the contract it
 * builds on, exercised with a stand-in session header.
 */
const SESSIONS: Readonly<Record<string, 'admin' | 'viewer'>> = { s1: 'viewer', s2: 'admin' }

const sessionAuth: Authenticator = async (request) => {
  const id = request.headers['x-test-session']
  if (typeof id !== 'string') return undefined
  const role = SESSIONS[id]
  if (!role) throw new HttpError(401, 'unauthorized', 'unknown session')
  return { kind: 'user', id, name: `user ${id}`, role }
}

async function dashboardStandIn(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.fleetAuthenticators.push(sessionAuth)
  app.get('/dashboard/whoami', { onRequest: requireRole(app, 'viewer') }, async (request) => ({
    principal: request.principal,
    org: ctx.org.id,
  }))
}

describe('server extension points', () => {
  let storage: Storage
  let app: FastifyInstance
  let apiToken: string
  beforeAll(async () => {
    storage = await openFresh('sqlite')
    app = await buildApp({ storage, logger: false, plugins: [dashboardStandIn] })
    apiToken = (await createApiToken(storage, { name: 'ci', role: 'viewer' })).token
  })
  afterAll(async () => {
    await app.close()
    await storage.close()
  })

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers })

  it("a plugin's authenticator is accepted by the fleet API, with its role", async () => {
    expect((await get('/api/fleet/v1/devices')).statusCode).toBe(401)
    expect((await get('/api/fleet/v1/devices', { 'x-test-session': 's1' })).statusCode).toBe(200)
    const bad = await get('/api/fleet/v1/devices', { 'x-test-session': 'nope' })
    expect(bad.statusCode).toBe(401)
    expect(bad.json()).toMatchObject({ error: 'unauthorized' })
    // A viewer session cannot do what needs an admin; an admin session can.
    const create = (session: string) =>
      app.inject({
        method: 'POST',
        url: '/api/fleet/v1/enroll-secrets',
        headers: { 'x-test-session': session },
        payload: {},
      })
    expect((await create('s1')).statusCode).toBe(403)
    expect((await create('s2')).statusCode).toBeLessThan(300)
  })

  it("the plugin's own routes use the same guard; API tokens still work beside sessions", async () => {
    expect((await get('/dashboard/whoami')).statusCode).toBe(401)
    const viaSession = await get('/dashboard/whoami', { 'x-test-session': 's2' })
    expect(viaSession.json()).toMatchObject({
      principal: { kind: 'user', id: 's2', role: 'admin' },
    })
    const viaToken = await get('/dashboard/whoami', { authorization: `Bearer ${apiToken}` })
    expect(viaToken.statusCode).toBe(200)
    expect(viaToken.json()).toMatchObject({ principal: { kind: 'api-token', role: 'viewer' } })
  })
})
