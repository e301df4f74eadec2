import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../app'
import { configRoutes } from './config'
import { deviceRoutes } from './devices'
import { enrollSecretRoutes } from './enroll-secrets'
import { exportRoute } from './export'
import { findingRoutes } from './findings'
import { holderRoutes } from './holders'

/**
 * The fleet API (`/api/fleet/v1`): read for viewers, write for admins. Callers authenticate
 * through `app.fleetAuthenticators` (API tokens now; the dashboard adds sessions).
 */
export const fleetRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  await app.register(deviceRoutes, ctx)
  await app.register(holderRoutes, ctx)
  await app.register(findingRoutes, ctx)
  await app.register(enrollSecretRoutes, ctx)
  await app.register(configRoutes, ctx)
  await app.register(exportRoute, ctx)
}
