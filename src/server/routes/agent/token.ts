import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, TokenResponse } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { deviceOf, requireDevice } from '../../plugins/device-auth'
import { PREVIOUS_TOKEN_GRACE_S, rotateDeviceToken } from '../../storage/devices'
import { directiveFor } from './directive'
import { deviceRateLimit } from './rate-limit'

/**
 * `POST /token`: a new device token. The current one keeps working until the new one is first
 * used (or for PREVIOUS_TOKEN_GRACE_S), so a client that loses the answer is not locked out.
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
      const token = await rotateDeviceToken(ctx.storage, device)
      const now = new Date()
      return {
        ...directiveFor({ ...device, token_issued_at: now.toISOString() }, ctx.limits, {}, now),
        deviceToken: token,
        previousValidForS: PREVIOUS_TOKEN_GRACE_S,
      }
    },
  )
}
