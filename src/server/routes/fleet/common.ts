import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app'
import type { Role } from '../../storage/api-tokens'
import { requireRole } from '../../plugins/fleet-auth'

/** Route options shared by fleet routes: the role required and a per-caller rate limit. */
export function guard(app: FastifyInstance, ctx: AppContext, role: Role) {
  return {
    onRequest: requireRole(app, role),
    config: {
      rateLimit: {
        max: ctx.limits.fleetRequestsPerMinute,
        timeWindow: 60_000,
        hook: 'preParsing' as const,
        keyGenerator: (request: FastifyRequest) => `fleet:${request.principal?.id ?? request.ip}`,
      },
    },
  }
}
