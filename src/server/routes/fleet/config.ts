import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { SyncSettings } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { putConfigItem } from '../../storage/config-items'
import { deviceById } from '../../storage/devices'
import { ensureTeam, TeamNameError } from '../../storage/orgs'
import { guard } from './common'

/**
 * `PUT /config/settings`: sync settings pushed to devices, for the organisation, a team or one
 * device (the most specific wins). Policies and accepted risks use the same store
 * (storage/config-items.ts) and are added by the dashboard.
 */
export const configRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.put(
    '/config/settings',
    {
      ...guard(app as unknown as FastifyInstance, ctx, 'admin'),
      schema: {
        body: Type.Object(
          {
            team: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            deviceId: Type.Optional(Type.String({ pattern: '^dev_[0-9a-f]{20}$' })),
            settings: Type.Partial(SyncSettings, { additionalProperties: false, minProperties: 1 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { team, deviceId, settings } = request.body
      if (team !== undefined && deviceId !== undefined) {
        throw new HttpError(400, 'bad_request', 'give a team or a device, not both')
      }
      let scope: { scope: 'org' | 'team' | 'device'; scopeId: string } = {
        scope: 'org',
        scopeId: ctx.org.id,
      }
      if (team !== undefined) {
        try {
          scope = { scope: 'team', scopeId: (await ensureTeam(ctx.storage, team)).id }
        } catch (e) {
          if (e instanceof TeamNameError) throw new HttpError(400, 'bad_request', e.message)
          throw e
        }
      } else if (deviceId !== undefined) {
        if (!(await deviceById(ctx.storage, deviceId)))
          throw new HttpError(404, 'not_found', 'no such device')
        scope = { scope: 'device', scopeId: deviceId }
      }
      for (const [key, value] of Object.entries(settings)) {
        await putConfigItem(ctx.storage, { ...scope, kind: 'setting', key, value })
      }
      request.log.info({ ...scope, keys: Object.keys(settings) }, 'settings changed')
      return { updated: Object.keys(settings) }
    },
  )
}
