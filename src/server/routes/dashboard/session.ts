import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { MAX_PASSWORD_LENGTH } from '../../auth/passwords'
import { HttpError } from '../../plugins/errors'
import {
  clearSessionCookie,
  csrfToken,
  requestSession,
  sessionCookie,
  setSessionCookie,
} from '../../plugins/session-auth'
import { audit } from '../../storage/audit'
import { credentialHash } from '../../storage/ids'
import { checkPassword, createSession, deleteSession } from '../../storage/users'

export type DashboardOptions = AppContext & Readonly<{ loginPerMinute: number }>

/** Failed sign-ins per user name in the last window: a name under attack from many addresses. */
const FAIL_WINDOW_MS = 15 * 60_000
const MAX_FAILS_PER_NAME = 10

/**
 * `/api/dashboard/v1`: the signed-in user and a CSRF token (`GET /session`), sign-in and
 * sign-out. Sign-in always issues a new session id and ends the one the browser held (no session
 * fixation); it is rate limited per client address and per user name.
 */
export const sessionRoutes: FastifyPluginAsyncTypebox<DashboardOptions> = async (app, ctx) => {
  const fails = new Map<string, number[]>()
  /**
   * Sign-ins per user name whose password check is under way. They count against the limit
   * before the (slow) scrypt check starts: otherwise many concurrent wrong passwords from many
   * addresses would all be checked before the first failure is recorded.
   */
  const inFlight = new Map<string, number>()
  const recentFails = (name: string, now: number): number[] => {
    const list = (fails.get(name) ?? []).filter((t) => now - t < FAIL_WINDOW_MS)
    if (list.length) fails.set(name, list)
    else fails.delete(name)
    return list
  }
  app.addHook('onRequest', async (request) => {
    await requestSession(ctx.storage, request)
  })

  app.get('/session', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const user = request.dashboardSession ?? undefined
    return {
      user: user ? { name: user.name, role: user.role } : null,
      csrfToken: csrfToken(request, reply, user?.sessionHash ?? 'anonymous'),
    }
  })

  app.post(
    '/login',
    {
      config: {
        rateLimit: {
          max: ctx.loginPerMinute,
          timeWindow: 60_000,
          keyGenerator: (request) => `login:${request.ip}`,
        },
      },
      schema: {
        body: Type.Object(
          {
            user: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { user: name, password } = request.body
      const now = Date.now()
      const pending = inFlight.get(name) ?? 0
      if (recentFails(name, now).length + pending >= MAX_FAILS_PER_NAME) {
        throw new HttpError(
          429,
          'rate_limited',
          'too many failed sign-ins for this user; retry later',
          {
            retryAfterS: FAIL_WINDOW_MS / 1000,
          },
        )
      }
      inFlight.set(name, pending + 1)
      let user: Awaited<ReturnType<typeof checkPassword>>
      try {
        user = await checkPassword(ctx.storage, name, password)
      } finally {
        const left = (inFlight.get(name) ?? 1) - 1
        if (left > 0) inFlight.set(name, left)
        else inFlight.delete(name)
      }
      if (!user) {
        // Recorded in the same turn the reservation ends, so the count never dips in between.
        fails.set(name, [...recentFails(name, Date.now()), Date.now()])
        await audit(ctx.storage, {
          actor: name,
          actorKind: 'user',
          action: 'sign-in-failed',
          target: name,
          ip: request.ip,
        })
        throw new HttpError(401, 'unauthorized', 'wrong user name or password')
      }
      fails.delete(name)
      // Whatever session the browser held (a planted one included) ends here.
      const old = sessionCookie(request)
      if (old) await deleteSession(ctx.storage, old)
      const id = await createSession(ctx.storage, user.id, {
        ip: request.ip,
        userAgent: String(request.headers['user-agent'] ?? ''),
      })
      setSessionCookie(request, reply, id)
      await audit(ctx.storage, {
        actor: user.name,
        actorKind: 'user',
        action: 'sign-in',
        target: user.name,
        ip: request.ip,
      })
      reply.header('cache-control', 'no-store')
      return {
        user: { name: user.name, role: user.role },
        csrfToken: csrfToken(request, reply, credentialHash(id)),
      }
    },
  )

  app.post('/logout', async (request, reply) => {
    const id = sessionCookie(request)
    const user = request.dashboardSession
    if (id) await deleteSession(ctx.storage, id)
    clearSessionCookie(request, reply)
    if (user) {
      await audit(ctx.storage, {
        actor: user.name,
        actorKind: 'user',
        action: 'sign-out',
        target: user.name,
        ip: request.ip,
      })
    }
    return { signedOut: true }
  })
}
