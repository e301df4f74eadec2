import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../src/server/app'
import type { AppOptions, ServerLimits } from '../../../src/server/app'
import { createApiToken } from '../../../src/server/storage/api-tokens'
import { createEnrollSecret } from '../../../src/server/storage/enroll-secrets'
import { openStorage } from '../../../src/server/storage/open'
import type { Storage } from '../../../src/server/storage/open'
import type { EngineName } from './engines'
import { freshTarget } from './engines'

export const TRANSPORTS = ['inject', 'http'] as const
export type Transport = (typeof TRANSPORTS)[number]

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
export type Res = { status: number; headers: Record<string, string>; body: string; json: () => any }

export type Req = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  token?: string
  headers?: Record<string, string>
  /** An object is sent as JSON; a Buffer or string as is. */
  body?: unknown
  gzip?: boolean
}

/** A server under test, reached through Fastify's inject or a real loopback socket. */
export type TestServer = {
  app: FastifyInstance
  storage: Storage
  adminToken: string
  viewerToken: string
  enrollSecret: string
  call(path: string, req?: Req): Promise<Res>
  close(): Promise<void>
}

export async function startTestServer(
  engine: EngineName,
  transport: Transport,
  opts: { limits?: Partial<ServerLimits>; logger?: AppOptions['logger'] } = {},
): Promise<TestServer> {
  const storage = await openStorage(await freshTarget(engine))
  const app = await buildApp({
    storage,
    limits: opts.limits,
    logger: opts.logger ?? false,
    version: 'test',
  })
  let base = ''
  if (transport === 'http') base = await app.listen({ host: '127.0.0.1', port: 0 })
  const adminToken = (await createApiToken(storage, { name: 'admin', role: 'admin' })).token
  const viewerToken = (await createApiToken(storage, { name: 'viewer', role: 'viewer' })).token
  const enrollSecret = (await createEnrollSecret(storage)).secret
  const call = async (path: string, req: Req = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...req.headers }
    if (req.token) headers.authorization = `Bearer ${req.token}`
    let payload: Buffer | string | undefined
    if (req.body !== undefined) {
      if (Buffer.isBuffer(req.body) || typeof req.body === 'string') payload = req.body
      else {
        payload = JSON.stringify(req.body)
        headers['content-type'] ??= 'application/json'
      }
      if (req.gzip) {
        payload = gzipSync(payload)
        headers['content-encoding'] = 'gzip'
      }
    }
    const method = req.method ?? (payload === undefined ? 'GET' : 'POST')
    if (transport === 'inject') {
      const r = await app.inject({ method, url: path, headers, payload })
      return {
        status: r.statusCode,
        headers: r.headers as Record<string, string>,
        body: r.body,
        json: () => JSON.parse(r.body),
      }
    }
    const r = await fetch(base + path, { method, headers, body: payload })
    const body = await r.text()
    return {
      status: r.status,
      headers: Object.fromEntries(r.headers.entries()),
      body,
      json: () => JSON.parse(body),
    }
  }
  return {
    app,
    storage,
    adminToken,
    viewerToken,
    enrollSecret,
    call,
    close: async () => {
      await app.close()
      await storage.close()
    },
  }
}
