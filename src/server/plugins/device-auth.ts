import type { FastifyReply, FastifyRequest } from 'fastify'
import { authenticateDevice, touchDevice } from '../storage/devices'
import type { DeviceRow } from '../storage/schema'
import type { Storage } from '../storage/open'
import { HttpError } from './errors'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated device (agent routes). */
    device?: DeviceRow
    /** The device authenticated with its previous token (it never received the rotated one). */
    deviceViaPrevious?: boolean
  }
}

/** The bearer token of a request, or undefined. Never logged: only its digest is ever compared. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization
  if (typeof h !== 'string') return undefined
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(h)
  return m?.[1]
}

/**
 * onRequest hook of the agent routes (before the body is read): the device the token belongs
 * to, or 401. An unknown token answers `reenroll`; a revoked device answers `stop`.
 */
export function requireDevice(storage: Storage) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request)
    if (!token) {
      throw new HttpError(401, 'unauthorized', 'missing device token (Authorization: Bearer …)', {
        action: 'reenroll',
      })
    }
    const now = new Date()
    const r = await authenticateDevice(storage, token, now)
    switch (r.kind) {
      case 'unknown':
        throw new HttpError(401, 'reenroll', 'unknown device token; enroll again', {
          action: 'reenroll',
        })
      case 'revoked':
        throw new HttpError(401, 'device_revoked', 'this device was revoked; stop syncing', {
          action: 'stop',
        })
      case 'ok':
        request.device = r.device
        request.deviceViaPrevious = r.viaPrevious
        request.log = request.log.child({ device: r.device.id })
        await touchDevice(storage, r.device, now)
        return
    }
  }
}

export function deviceOf(request: FastifyRequest): DeviceRow {
  if (!request.device) throw new HttpError(401, 'unauthorized', 'no device')
  return request.device
}
