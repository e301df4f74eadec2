import type { FastifyRequest } from 'fastify'
import type { ServerLimits } from '../../app'

/**
 * Per-device rate limit of the agent routes, checked after authentication (keyed by device id)
 * and before the body is read, so a device over its budget costs no decompression.
 */
export function deviceRateLimit(limits: ServerLimits) {
  return {
    rateLimit: {
      max: limits.deviceRequestsPerMinute,
      timeWindow: 60_000,
      hook: 'preParsing' as const,
      keyGenerator: (request: FastifyRequest) => `device:${request.device?.id ?? request.ip}`,
    },
  }
}
