import Fastify from 'fastify'
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AGENT_API_PREFIX, FLEET_API_PREFIX } from '../shared/sync-api'
import { registerErrorHandling } from './plugins/errors'
import { registerFleetAuth } from './plugins/fleet-auth'
import { registerInputGuard } from './plugins/input-guard'
import { agentRoutes } from './routes/agent'
import { fleetRoutes } from './routes/fleet'
import { healthRoutes } from './routes/health'
import type { Storage } from './storage/open'
import { ensureOrg } from './storage/orgs'
import type { Org } from './storage/orgs'

/** Request limits; every one can be set on `aiscout server start`. */
export type ServerLimits = Readonly<{
  /** Largest inventory request as sent (gzip-compressed), bytes. */
  maxWireBytes: number
  /** Largest inventory request after decompression, bytes (a gzip bomb stops here). */
  maxInflatedBytes: number
  /** Largest body of the other requests (enroll, heartbeat, commit, fleet writes). */
  maxSmallBodyBytes: number
  /** Requests per device per minute on the agent API. */
  deviceRequestsPerMinute: number
  /** Enrollment attempts per client address per minute. */
  enrollPerMinute: number
  /** Fleet API requests per caller per minute. */
  fleetRequestsPerMinute: number
  /** A device token older than this is rotated (the device is told to on its next contact). */
  tokenMaxAgeDays: number
}>

export const DEFAULT_LIMITS: ServerLimits = {
  maxWireBytes: 8 * 1024 * 1024,
  maxInflatedBytes: 64 * 1024 * 1024,
  maxSmallBodyBytes: 64 * 1024,
  deviceRequestsPerMinute: 240,
  enrollPerMinute: 30,
  fleetRequestsPerMinute: 600,
  tokenMaxAgeDays: 30,
}

export type AppOptions = Readonly<{
  storage: Storage
  limits?: Partial<ServerLimits>
  /** Fastify's logger option: false (tests), true, or pino options (e.g. a stream). */
  logger?: FastifyServerOptions['logger']
  /** Behind a reverse proxy: trust its X-Forwarded-For (true, a hop count or addresses). */
  trustProxy?: FastifyServerOptions['trustProxy']
  https?: Readonly<{ cert: Buffer | string; key: Buffer | string }>
  /** More plugins (the dashboard, alerting) registered after the core routes. */
  plugins?: readonly FastifyPluginAsync<AppContext>[]
  version?: string
}>

/** What route plugins receive: the storage, the organisation and the limits in force. */
export type AppContext = Readonly<{
  storage: Storage
  org: Org
  limits: ServerLimits
  version: string
}>

/** Never logged: credentials travel in these headers (and only digests are ever stored). */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]']

/**
 * Builds the server: error shape, body decoding, auth, rate limits, then the route plugins
 * (`/api/agent/v1` for devices, `/api/fleet/v1` for the dashboard and API tokens, `/healthz`).
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const logger =
    opts.logger === undefined || opts.logger === false
      ? false
      : opts.logger === true
        ? { level: 'info', redact: REDACT }
        : { redact: REDACT, ...(opts.logger as object) }
  const app = Fastify({
    logger,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: limits.maxSmallBodyBytes,
    requestTimeout: 120_000,
    connectionTimeout: 130_000,
    keepAliveTimeout: 30_000,
    // A client's request ids are not trusted (log correlation only).
    requestIdHeader: false,
    ...(opts.https
      ? { https: { cert: opts.https.cert, key: opts.https.key, minVersion: 'TLSv1.2' as const } }
      : {}),
  }).withTypeProvider<TypeBoxTypeProvider>()
  // TypeBox checks bodies as sent (no type coercion: "5" is not an integer); query strings and
  // params are converted from text first.
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  registerErrorHandling(app as unknown as FastifyInstance)
  // Before any route: NUL, unpaired surrogates and hostile nesting answer 400, never 500.
  registerInputGuard(app as unknown as FastifyInstance)
  await app.register(rateLimit, { global: false })
  registerFleetAuth(app as unknown as FastifyInstance, opts.storage)
  const ctx: AppContext = {
    storage: opts.storage,
    org: await ensureOrg(opts.storage),
    limits,
    version: opts.version ?? '0.0.0',
  }
  await app.register(healthRoutes, ctx)
  // The prefix goes on a wrapper scope, so the route plugins pass their context on unchanged.
  await app.register(async (scope) => scope.register(agentRoutes, ctx), {
    prefix: AGENT_API_PREFIX,
  })
  await app.register(async (scope) => scope.register(fleetRoutes, ctx), {
    prefix: FLEET_API_PREFIX,
  })
  for (const p of opts.plugins ?? []) await app.register(p, ctx)
  return app as unknown as FastifyInstance
}
