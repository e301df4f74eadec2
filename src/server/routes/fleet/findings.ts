import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../app'
import { findingsByRule } from '../../storage/fleet'
import { guard } from './common'

/** `GET /findings/by-rule`: open findings across the fleet by rule and severity, worst first. */
export const findingRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/findings/by-rule',
    guard(app as unknown as FastifyInstance, ctx, 'viewer'),
    async () => ({
      groups: await findingsByRule(ctx.storage),
    }),
  )
}
