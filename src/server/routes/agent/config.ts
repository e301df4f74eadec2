import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConfigResponse, ErrorBody } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { deviceOf, requireDevice } from '../../plugins/device-auth'
import { deviceConfig } from '../../storage/config-items'
import { agentEtag, directiveFor } from './directive'
import { deviceRateLimit } from './rate-limit'

/** `GET /config`: settings, policies and accepted risks for this device, with an ETag (304 when unchanged). */
export const configRoute: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/config',
    {
      schema: { response: { 200: ConfigResponse, '4xx': ErrorBody } },
      onRequest: requireDevice(ctx.storage),
      config: deviceRateLimit(ctx.limits),
    },
    async (request, reply) => {
      const device = deviceOf(request)
      const config = await deviceConfig(ctx.storage, device, ctx.org.id)
      const etag = agentEtag(config.etag, device, ctx.limits)
      reply.header('etag', etag)
      reply.header('cache-control', 'no-cache')
      const inm = request.headers['if-none-match']
      if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag)) {
        // Not Modified carries no body (so no response schema applies).
        return (reply as unknown as FastifyReply).status(304).send()
      }
      return {
        ...directiveFor(device, ctx.limits, {
          configEtag: etag,
          viaPreviousToken: request.deviceViaPrevious === true,
        }),
        etag,
        settings: config.settings,
        policies: config.policies,
        acceptedRisks: config.acceptedRisks,
      }
    },
  )
}
