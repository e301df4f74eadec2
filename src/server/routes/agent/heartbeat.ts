import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBody, HeartbeatRequest, HeartbeatResponse } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { deviceOf, requireDevice } from '../../plugins/device-auth'
import { decodeBody } from '../../plugins/request-body'
import { deviceConfig } from '../../storage/config-items'
import { recordHeartbeat } from '../../storage/devices'
import { agentEtag, directiveFor } from './directive'
import { deviceRateLimit } from './rate-limit'

/** `POST /heartbeat`: app version, pending changes and the last scan; answers with the directive. */
export const heartbeatRoute: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.post(
    '/heartbeat',
    {
      schema: { body: HeartbeatRequest, response: { 200: HeartbeatResponse, '4xx': ErrorBody } },
      onRequest: requireDevice(ctx.storage),
      preParsing: decodeBody(ctx.limits.maxSmallBodyBytes),
      config: deviceRateLimit(ctx.limits),
    },
    async (request) => {
      const device = deviceOf(request)
      await recordHeartbeat(ctx.storage, device, request.body)
      const config = await deviceConfig(ctx.storage, device, ctx.org.id)
      return {
        ...directiveFor(device, ctx.limits, {
          configEtag: agentEtag(config.etag, device, ctx.limits),
          viaPreviousToken: request.deviceViaPrevious === true,
        }),
        commands: [],
      }
    },
  )
}
