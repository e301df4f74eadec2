import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import type { AppContext } from '../app'

/** `GET /healthz`: for load balancers; checks that the database answers. No credentials. */
export const healthRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(ctx.storage.db)
      return { ok: true, version: ctx.version, storage: ctx.storage.engine }
    } catch {
      return reply.status(503).send({ ok: false })
    }
  })
}
