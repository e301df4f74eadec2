import { randomUUID } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../src/server/app'
import type { ServerLimits } from '../../../src/server/app'
import type { AlertsConfig } from '../../../src/server/alerts/config'
import type { AlertEngineOptions } from '../../../src/server/alerts/engine'
import { dashboardPlugin } from '../../../src/server/dashboard'
import { createApiToken } from '../../../src/server/storage/api-tokens'
import { createEnrollSecret } from '../../../src/server/storage/enroll-secrets'
import { openStorage } from '../../../src/server/storage/open'
import type { Storage } from '../../../src/server/storage/open'
import { createUser } from '../../../src/server/storage/users'
import type { AssetItem, FindingItem } from '../../../src/shared/sync-api'
import { FACTS, snapshotPart } from '../helpers/batches'
import type { EngineName } from '../helpers/engines'
import { freshTarget } from '../helpers/engines'

export const PASSWORDS = { admin: 'correct horse battery', viewer: 'viewer password 1234' }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies loosely
export type Res = { status: number; headers: Record<string, any>; body: string; json: () => any }

/** A browser-like client over inject: keeps cookies, sends the CSRF header it was last given. */
export class Browser {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  async call(
    path: string,
    opts: {
      method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
      body?: unknown
      csrf?: string | null
      headers?: Record<string, string>
    } = {},
  ): Promise<Res> {
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST')
    const headers: Record<string, string> = { ...opts.headers }
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const token = opts.csrf === undefined ? this.csrf : opts.csrf
    if (token && method !== 'GET') headers['x-csrf-token'] = token
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const r = await this.app.inject({
      method,
      url: path,
      headers,
      payload: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      remoteAddress: this.remoteAddress,
    })
    const set = r.headers['set-cookie']
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return {
      status: r.statusCode,
      headers: r.headers,
      body: r.body,
      json: () => JSON.parse(r.body),
    }
  }

  /** GET /session (for a CSRF token), then sign in. */
  async signIn(user: string, password: string): Promise<Res> {
    const s = await this.call('/api/dashboard/v1/session')
    this.csrf = s.json().csrfToken
    const r = await this.call('/api/dashboard/v1/login', { body: { user, password } })
    if (r.status === 200) this.csrf = r.json().csrfToken
    return r
  }
}

export type DashServer = {
  app: FastifyInstance
  storage: Storage
  apiToken: string
  enrollSecret: string
  browser(remoteAddress?: string): Browser
  /** Sends a batch to the agent API as a device. */
  send(token: string, path: string, body: unknown): Promise<unknown>
  /** Enrolls a device and sends it one complete snapshot; returns its id and token. */
  device(
    host: string,
    assets: AssetItem[],
    findings?: FindingItem[],
  ): Promise<{ id: string; token: string }>
  close(): Promise<void>
}

export async function startDashServer(
  engine: EngineName = 'sqlite',
  opts: {
    limits?: Partial<ServerLimits>
    loginPerMinute?: number
    trustProxy?: boolean
    alerts?: AlertsConfig
    alertEngine?: AlertEngineOptions
  } = {},
): Promise<DashServer> {
  const storage = await openStorage(await freshTarget(engine))
  const app = await buildApp({
    storage,
    limits: opts.limits,
    logger: false,
    version: 'test',
    trustProxy: opts.trustProxy,
    plugins: [
      dashboardPlugin({
        loginPerMinute: opts.loginPerMinute ?? 1000,
        staticDir: '/nonexistent',
        alerts: opts.alerts,
        alertEngine: opts.alertEngine,
      }),
    ],
  })
  await createUser(storage, { name: 'ada', password: PASSWORDS.admin, role: 'admin' })
  await createUser(storage, { name: 'vic', password: PASSWORDS.viewer, role: 'viewer' })
  const apiToken = (await createApiToken(storage, { name: 'api', role: 'admin' })).token
  const enrollSecret = (await createEnrollSecret(storage)).secret
  const agent = async (path: string, token: string | undefined, body: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url: `/api/agent/v1${path}`,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(path === '/inventory' ? { 'content-encoding': 'gzip' } : {}),
      },
      payload: path === '/inventory' ? gzipSync(JSON.stringify(body)) : JSON.stringify(body),
    })
    if (r.statusCode >= 300) throw new Error(`${path}: ${r.statusCode} ${r.body}`)
    return JSON.parse(r.body)
  }
  return {
    app,
    storage,
    apiToken,
    enrollSecret,
    browser: (addr) => new Browser(app, addr),
    send: (token, path, body) => agent(path, token, body),
    device: async (host, assets, findings = []) => {
      const e = await agent('/enroll', undefined, {
        enrollSecret,
        device: {
          ...FACTS,
          hostname: host,
          installationId: `inst-${randomUUID()}`,
          hardwareId: host,
        },
      })
      const snap = `snap_${randomUUID().replace(/-/g, '')}`
      await agent('/inventory', e.deviceToken, snapshotPart(1, snap, 1, 1, assets, findings))
      await agent('/inventory/commit', e.deviceToken, {
        batchId: randomUUID(),
        seq: 2,
        snapshotId: snap,
        parts: 1,
      })
      return { id: e.deviceId, token: e.deviceToken }
    },
    close: async () => {
      await app.close()
      await storage.close()
    },
  }
}
