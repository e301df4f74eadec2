import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EnrollRequest, EnrollResponse, ErrorBody } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { decodeBody } from '../../plugins/request-body'
import { deviceConfig } from '../../storage/config-items'
import { enrollDevice } from '../../storage/devices'
import { teamForEnrollSecret } from '../../storage/enroll-secrets'
import { agentEtag, directiveFor } from './directive'

/**
 * `POST /enroll`: a team's enroll secret and the install's facts for a device token (shown once)
 * and the organisation's fingerprint key. Rate-limited per client address.
 */
export const enrollRoute: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/enroll',
    {
      schema: { body: EnrollRequest, response: { 201: EnrollResponse, '4xx': ErrorBody } },
      config: {
        rateLimit: { max: ctx.limits.enrollPerMinute, timeWindow: 60_000, hook: 'onRequest' },
      },
      preParsing: decodeBody(ctx.limits.maxSmallBodyBytes),
    },
    async (request, reply) => {
      const { enrollSecret, device: facts } = request.body
      const team = await teamForEnrollSecret(ctx.storage, enrollSecret)
      if (!team) {
        throw new HttpError(401, 'enroll_secret_invalid', 'unknown or revoked enroll secret')
      }
      const r = await enrollDevice(ctx.storage, team, facts)
      if (r.kind === 'revoked') {
        throw new HttpError(
          403,
          'device_revoked',
          'this install was revoked; an admin must remove it first',
          {
            action: 'stop',
          },
        )
      }
      request.log.info(
        {
          device: r.device.id,
          team: team.name,
          reenrolled: r.reenrolled,
          cloneOf: r.device.clone_of,
        },
        'device enrolled',
      )
      const config = await deviceConfig(ctx.storage, r.device, ctx.org.id)
      return reply.status(201).send({
        ...directiveFor(r.device, ctx.limits, {
          configEtag: agentEtag(config.etag, r.device, ctx.limits),
        }),
        deviceId: r.device.id,
        deviceToken: r.token,
        teamId: team.id,
        team: team.name,
        fingerprintKey: ctx.org.fingerprintKey,
        reenrolled: r.reenrolled,
      })
    },
  )
}
