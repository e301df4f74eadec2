import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/server/app'
import { createApiToken } from '../../src/server/storage/api-tokens'
import { createEnrollSecret } from '../../src/server/storage/enroll-secrets'
import { openStorage } from '../../src/server/storage/open'
import type { Storage } from '../../src/server/storage/open'
import { freshTarget } from '../server/helpers/engines'

/**
 * The real AI Scout server on a loopback port (SQLite storage in a temporary folder) that a test
 * can stop and start again on the same port, keeping its data: the app's "server unreachable"
 * and "drains when the server is back" paths.
 */
export type SyncServer = Readonly<{
  url: string
  storage: Storage
  adminToken: string
  enrollSecret: string
  /** GET a fleet API path (`/devices`, `/export?format=json`) as an admin. */
  fleet(path: string): Promise<unknown>
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}>

export async function startSyncServer(): Promise<SyncServer> {
  const storage = await openStorage(await freshTarget('sqlite'))
  let app: FastifyInstance | undefined
  let port = 0
  const start = async (): Promise<void> => {
    app = await buildApp({ storage, logger: false, version: 'test' })
    const addr = await app.listen({ host: '127.0.0.1', port })
    port = Number(new URL(addr).port)
  }
  await start()
  const adminToken = (await createApiToken(storage, { name: 'admin', role: 'admin' })).token
  const enrollSecret = (await createEnrollSecret(storage)).secret
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    await app?.close()
    app = undefined
  }
  return {
    url,
    storage,
    adminToken,
    enrollSecret,
    async fleet(path) {
      const r = await fetch(`${url}/api/fleet/v1${path}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
      if (!r.ok) throw new Error(`fleet ${path}: HTTP ${r.status} ${await r.text()}`)
      const text = await r.text()
      try {
        return JSON.parse(text) as unknown
      } catch {
        return text
      }
    },
    stop,
    start,
    async close() {
      await stop()
      await storage.close()
    },
  }
}
