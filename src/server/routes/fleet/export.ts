import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { FLEET_EXPORT_FORMATS, exportFleet } from '../../export'
import { guard } from './common'

const CONTENT_TYPES = {
  json: 'application/json',
  csv: 'text/csv',
  cyclonedx: 'application/vnd.cyclonedx+json',
}

/** `GET /export?format=json|csv|cyclonedx`: the fleet inventory, as `aiscout server export` writes it. */
export const exportRoute: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/export',
    {
      ...guard(app as unknown as FastifyInstance, ctx, 'viewer'),
      schema: { querystring: Type.Object({ format: Type.Enum(FLEET_EXPORT_FORMATS) }) },
    },
    async (request, reply) => {
      const format = request.query.format
      reply.header('content-type', CONTENT_TYPES[format])
      reply.header(
        'content-disposition',
        `attachment; filename="aiscout-fleet.${format === 'cyclonedx' ? 'cdx.json' : format}"`,
      )
      reply.hijack()
      reply.raw.writeHead(200, reply.getHeaders() as Record<string, string>)
      try {
        await exportFleet(ctx.storage, format, reply.raw, { toolVersion: ctx.version })
      } catch (e) {
        request.log.error({ err: { type: (e as Error).name } }, 'export failed')
      } finally {
        reply.raw.end()
      }
    },
  )
}
