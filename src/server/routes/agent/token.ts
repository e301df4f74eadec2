import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, TokenResponse } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { deviceOf, requireDevice } from '../../plugins/device-auth'
import { PREVIOUS_TOKEN_GRACE_S, rotateDeviceToken } from '../../storage/devices'
import { directiveFor } from './directive'
import { deviceRateLimit } from './rate-limit'

/**
 * `POST /token`: a new device token. The token the caller used keeps working until the new one
 * is first used (or for PREVIOUS_TOKEN_GRACE_S), so a client that loses the answer is not locked
 * out: it keeps being told to rotate while it uses the old token, and a rotation asked for with
 * the old token keeps that one valid (see rotateDeviceToken).
 */
export const tokenRoute: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/token',
    {
      schema: { response: { 200: TokenResponse, '4xx': ErrorBody } },
      onRequest: requireDevice(ctx.storage),
      config: deviceRateLimit(ctx.limits),
    },
    async (request) => {
      const device = deviceOf(request)
      const now = new Date()
      const token = await rotateDeviceToken(
        ctx.storage,
        device,
        now,
        request.deviceViaPrevious === true,
      )
      return {
        ...directiveFor({ ...device, token_issued_at: now.toISOString() }, ctx.limits, {}, now),
        deviceToken: token,
        previousValidForS: PREVIOUS_TOKEN_GRACE_S,
      }
    },
  )
}
