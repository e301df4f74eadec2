import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { removeDevice, requestResync, revokeDevice } from '../../storage/devices'
import { CursorError, deviceSummary, listDevices, MAX_PAGE } from '../../storage/fleet'
import { guard } from './common'

const DeviceId = Type.Object({ id: Type.String({ pattern: '^dev_[0-9a-f]{20}$' }) })

/** Devices: list (last seen, app version, open findings by severity), detail, revoke, resync. */
export const deviceRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const base = app as unknown as FastifyInstance
  app.get(
    '/devices',
    {
      ...guard(base, ctx, 'viewer'),
      schema: {
        querystring: Type.Object({
          team: Type.Optional(Type.String({ maxLength: 64 })),
          hostname: Type.Optional(Type.String({ maxLength: 256 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
          after: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
      },
    },
    async (request) => {
      const q = request.query
      try {
        const page = await listDevices(ctx.storage, {
          team: q.team,
          hostnamePrefix: q.hostname,
          limit: q.limit,
          after: q.after,
        })
        return { devices: page.items, ...(page.next ? { next: page.next } : {}) }
      } catch (e) {
        if (e instanceof CursorError) throw new HttpError(400, 'bad_request', e.message)
        throw e
      }
    },
  )

  app.get(
    '/devices/:id',
    { ...guard(base, ctx, 'viewer'), schema: { params: DeviceId } },
    async (request) => {
      const d = await deviceSummary(ctx.storage, request.params.id)
      if (!d) throw new HttpError(404, 'not_found', 'no such device')
      return { device: d }
    },
  )

  app.post(
    '/devices/:id/revoke',
    { ...guard(base, ctx, 'admin'), schema: { params: DeviceId } },
    async (request) => {
      const id = request.params.id
      if (!(await deviceSummary(ctx.storage, id)))
        throw new HttpError(404, 'not_found', 'no such device')
      const revoked = await revokeDevice(ctx.storage, id)
      request.log.info({ target: id, revoked }, 'device revoked')
      return { revoked }
    },
  )

  // Removing lifts the enrollment refusal of a revoked device (storage/devices.ts removeDevice).
  app.delete(
    '/devices/:id',
    { ...guard(base, ctx, 'admin'), schema: { params: DeviceId } },
    async (request) => {
      const id = request.params.id
      const r = await removeDevice(ctx.storage, id)
      if (r === 'not-found') throw new HttpError(404, 'not_found', 'no such device')
      if (r === 'not-revoked')
        throw new HttpError(409, 'conflict', 'revoke the device before removing it')
      request.log.info({ target: id }, 'device removed')
      return { removed: true }
    },
  )

  app.post(
    '/devices/:id/resync',
    { ...guard(base, ctx, 'admin'), schema: { params: DeviceId } },
    async (request) => {
      if (!(await requestResync(ctx.storage, request.params.id))) {
        throw new HttpError(404, 'not_found', 'no such device')
      }
      return { requested: true }
    },
  )
}
