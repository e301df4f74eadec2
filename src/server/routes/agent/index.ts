import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../app'
import { configRoute } from './config'
import { enrollRoute } from './enroll'
import { heartbeatRoute } from './heartbeat'
import { inventoryRoutes } from './inventory'
import { tokenRoute } from './token'

/** The agent API (`/api/agent/v1`): what a device's sync client talks to. */
export const agentRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  await app.register(enrollRoute, ctx)
  await app.register(tokenRoute, ctx)
  await app.register(configRoute, ctx)
  await app.register(inventoryRoutes, ctx)
  await app.register(heartbeatRoute, ctx)
}
