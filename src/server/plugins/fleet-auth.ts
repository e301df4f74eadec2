import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Role } from '../storage/api-tokens'
import { authenticateApiToken } from '../storage/api-tokens'
import type { Storage } from '../storage/open'
import { bearerToken } from './device-auth'
import { HttpError } from './errors'

/** Who is calling the fleet API, and with which role. */
export type Principal = Readonly<{
  kind: 'api-token' | 'user'
  id: string
  name: string
  role: Role
}>

/**
 * One way of recognising a caller (an API token today; the dashboard adds a session cookie).
 * Returns undefined when the request does not carry this kind of credential, a principal when it
 * does and it is valid, and throws (401) when it carries one that is invalid.
 */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | undefined>

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
  interface FastifyInstance {
    /** Tried in order; the dashboard registers its session authenticator here. */
    fleetAuthenticators: Authenticator[]
  }
}

export function apiTokenAuthenticator(storage: Storage): Authenticator {
  return async (request) => {
    const token = bearerToken(request)
    if (!token) return undefined
    const info = await authenticateApiToken(storage, token)
    if (!info) throw new HttpError(401, 'unauthorized', 'unknown or revoked API token')
    return { kind: 'api-token', id: info.id, name: info.name, role: info.role }
  }
}

export function registerFleetAuth(app: FastifyInstance, storage: Storage): void {
  app.decorate('fleetAuthenticators', [apiTokenAuthenticator(storage)])
}

const RANK: Readonly<Record<Role, number>> = { viewer: 0, admin: 1 }

/** onRequest hook: a caller with at least this role, else 401 (no credential) or 403. */
export function requireRole(app: FastifyInstance, role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    let principal: Principal | undefined
    for (const auth of app.fleetAuthenticators) {
      principal = await auth(request)
      if (principal) break
    }
    if (!principal) throw new HttpError(401, 'unauthorized', 'sign in or send an API token')
    if (RANK[principal.role] < RANK[role]) {
      throw new HttpError(403, 'forbidden', `this needs the ${role} role`)
    }
    request.principal = principal
    request.log = request.log.child({ principal: principal.id })
  }
}
