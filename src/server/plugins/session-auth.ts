import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import type { Storage } from '../storage/open'
import type { SessionUser } from '../storage/users'
import { SESSION_MAX_S, sessionUser } from '../storage/users'
import { HttpError } from './errors'
import type { Authenticator } from './fleet-auth'

/**
 * Dashboard sessions: an opaque session id in an HttpOnly, SameSite=Strict cookie (Secure and
 * `__Host-` prefixed when the server is reached over HTTPS), looked up server-side on every
 * request. Every state-changing request made with the cookie must carry a CSRF token
 * (`x-csrf-token`) bound to that session (@fastify/csrf-protection, HMAC'd with the session's
 * digest), so a token from before sign-in, or from another session, is refused.
 */
export const SESSION_COOKIE = 'aiscout_session'
export const SECURE_SESSION_COOKIE = '__Host-aiscout_session'
export const CSRF_COOKIE = 'aiscout_csrf'
export const CSRF_HEADER = 'x-csrf-token'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard session of this request, once looked up (undefined when none or invalid). */
    dashboardSession?: SessionUser | null
  }
}

export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

function cookieOptions(request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: isSecure(request),
  }
}

/** The session id the request carries (the secure cookie name first), if any. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[SECURE_SESSION_COOKIE] ?? request.cookies[SESSION_COOKIE]
}

/** Looks the request's session up once per request. */
export async function requestSession(
  storage: Storage,
  request: FastifyRequest,
): Promise<SessionUser | undefined> {
  if (request.dashboardSession !== undefined) return request.dashboardSession ?? undefined
  const id = sessionCookie(request)
  const user = id ? await sessionUser(storage, id) : undefined
  request.dashboardSession = user ?? null
  return user
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, id: string): void {
  const secure = isSecure(request)
  reply.setCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, id, {
    ...cookieOptions(request),
    maxAge: SESSION_MAX_S,
  })
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  for (const name of [SESSION_COOKIE, SECURE_SESSION_COOKIE]) {
    if (request.cookies[name] !== undefined) {
      reply.clearCookie(name, { ...cookieOptions(request), secure: name !== SESSION_COOKIE })
    }
  }
}

/** A CSRF token bound to the given session digest ('anonymous' before sign-in). */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, userInfo: string): string {
  return reply.generateCsrf({ ...cookieOptions(request), userInfo })
}

/** The fleet API's session authenticator: a signed-in user, 401 for a stale or forged cookie. */
export function sessionAuthenticator(storage: Storage): Authenticator {
  return async (request) => {
    if (sessionCookie(request) === undefined) return undefined
    const user = await requestSession(storage, request)
    if (!user) throw new HttpError(401, 'unauthorized', 'session expired or unknown; sign in again')
    return { kind: 'user', id: user.id, name: user.name, role: user.role }
  }
}

/**
 * Registers cookies, CSRF tokens, the session authenticator (after API tokens) and the CSRF check.
 * Called from a plugin that is not encapsulated, so the hook covers the fleet API's routes too.
 */
export async function registerSessionAuth(app: FastifyInstance, storage: Storage): Promise<void> {
  await app.register(cookie)
  await app.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true },
    // Per process: a restart invalidates outstanding CSRF tokens (the dashboard fetches a new one).
    csrfOpts: { hmacKey: randomBytes(32).toString('base64url') },
    getUserInfo: (req: FastifyRequest) => req.dashboardSession?.sessionHash ?? 'anonymous',
    getToken: (req: FastifyRequest) => {
      const h = req.headers[CSRF_HEADER]
      return typeof h === 'string' ? h : undefined
    },
  })
  app.fleetAuthenticators.push(sessionAuthenticator(storage))
  // After the route's own onRequest (which authenticates): a state-changing request made with a
  // session cookie, or to the dashboard's own sign-in routes, needs the CSRF token.
  app.addHook('preValidation', (request, reply, done) => {
    const bySession =
      request.principal?.kind === 'user' ||
      (request.url.startsWith('/api/dashboard/') && request.routeOptions.url !== undefined)
    if (UNSAFE.has(request.method) && bySession) {
      app.csrfProtection(request, reply, done)
      return
    }
    done()
  })
}
