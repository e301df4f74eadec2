import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import { DASHBOARD_API_PREFIX } from '../shared/dashboard-api'
import { FLEET_API_PREFIX } from '../shared/sync-api'
import type { AppContext } from './app'
import { registerSessionAuth } from './plugins/session-auth'
import type { AlertsConfig } from './alerts/config'
import { AlertEngine } from './alerts/engine'
import type { AlertEngineOptions } from './alerts/engine'
import { alertRoutes } from './routes/dashboard/alerts'
import { auditRoutes } from './routes/dashboard/audit'
import { fleetViewRoutes } from './routes/dashboard/fleet-views'
import { policyRoutes } from './routes/dashboard/policies'
import { riskRoutes } from './routes/dashboard/risk'
import { sessionRoutes } from './routes/dashboard/session'
import { audit } from './storage/audit'
import type { AuditAction } from './storage/audit'

export type DashboardPluginOptions = Readonly<{
  /** The built dashboard (index.html and assets); no static files are served when absent. */
  staticDir?: string
  /** Sign-in attempts per client address per minute. */
  loginPerMinute?: number
  /** Alerting (`--alerts FILE`); none when absent or disabled. */
  alerts?: AlertsConfig
  alertEngine?: AlertEngineOptions
}>

declare module 'fastify' {
  interface FastifyInstance {
    /** The alert engine, when alerting is on (tests run its passes directly). */
    alertEngine?: AlertEngine
  }
}

/** Where `npm run build` puts the dashboard, next to the bundled CLI (out/cli → out/dashboard). */
export function defaultDashboardDir(): string {
  return resolve(__dirname, '../dashboard')
}

/**
 * The page's policy: scripts and styles only from the server itself, no inline script, no
 * framing. With React rendering every asset name and path as text, a name such as
 * `<img src=x onerror=…>` can never run.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/** Fleet API writes that exist without the dashboard, audited when they succeed. */
const AUDITED: Readonly<Record<string, AuditAction>> = {
  [`POST ${FLEET_API_PREFIX}/devices/:id/revoke`]: 'device-revoke',
  [`POST ${FLEET_API_PREFIX}/devices/:id/resync`]: 'device-resync',
  [`DELETE ${FLEET_API_PREFIX}/devices/:id`]: 'device-remove',
  [`POST ${FLEET_API_PREFIX}/enroll-secrets`]: 'enroll-secret-create',
  [`POST ${FLEET_API_PREFIX}/enroll-secrets/:id/revoke`]: 'enroll-secret-revoke',
  [`PUT ${FLEET_API_PREFIX}/config/settings`]: 'settings-put',
}

function auditTarget(request: FastifyRequest): string {
  const params = request.params as Record<string, unknown> | undefined
  if (typeof params?.id === 'string') return params.id
  const body = request.body as Record<string, unknown> | undefined
  if (typeof body?.team === 'string') return `team:${body.team}`
  if (typeof body?.deviceId === 'string') return body.deviceId
  return 'org'
}

/**
 * The web dashboard: sessions and CSRF for the fleet API, the dashboard's own routes, the audit
 * trail of fleet writes, and the built React app with its security headers. Registered through
 * `buildApp({ plugins })`; not encapsulated, so its session authenticator and CSRF hook apply to
 * every fleet route.
 */
export function dashboardPlugin(opts: DashboardPluginOptions = {}): FastifyPluginAsync<AppContext> {
  const plugin: FastifyPluginAsync<AppContext> = async (app: FastifyInstance, ctx) => {
    await registerSessionAuth(app, ctx.storage)
    const engine =
      opts.alerts?.enabled === true
        ? new AlertEngine(ctx.storage, opts.alerts, opts.alertEngine)
        : undefined
    if (engine) {
      app.decorate('alertEngine', engine)
      app.addHook('onReady', () => engine.start())
      app.addHook('onClose', () => engine.stop())
    }
    app.addHook('onResponse', async (request, reply) => {
      const action = AUDITED[`${request.method} ${request.routeOptions.url ?? ''}`]
      if (!action || reply.statusCode >= 300 || !request.principal) return
      await audit(ctx.storage, {
        actor: request.principal.name,
        actorKind: request.principal.kind,
        action,
        target: auditTarget(request),
        ip: request.ip,
      }).catch((e: unknown) =>
        request.log.error({ err: { type: (e as Error).name } }, 'audit write failed'),
      )
    })
    await app.register(
      async (scope) =>
        scope.register(sessionRoutes, { ...ctx, loginPerMinute: opts.loginPerMinute ?? 10 }),
      { prefix: DASHBOARD_API_PREFIX },
    )
    await app.register(
      async (scope) => {
        await scope.register(fleetViewRoutes, ctx)
        await scope.register(riskRoutes, ctx)
        await scope.register(policyRoutes, ctx)
        await scope.register(auditRoutes, ctx)
        await scope.register(alertRoutes, { ...ctx, engine })
      },
      { prefix: FLEET_API_PREFIX },
    )
    const dir = opts.staticDir ?? defaultDashboardDir()
    if (existsSync(join(dir, 'index.html'))) {
      await app.register(async (scope) => {
        scope.addHook('onSend', async (_request, reply) => {
          reply.header('content-security-policy', DASHBOARD_CSP)
          reply.header('x-content-type-options', 'nosniff')
          reply.header('referrer-policy', 'no-referrer')
          reply.header('x-frame-options', 'DENY')
        })
        await scope.register(fastifyStatic, { root: dir, prefix: '/', index: 'index.html' })
        // Client-side routes (#/devices/…) all load the same page.
        scope.get('/dashboard', (_request, reply) => reply.redirect('/'))
      })
    }
  }
  ;(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true
  return plugin
}
