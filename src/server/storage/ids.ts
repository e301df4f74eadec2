import { createHash, randomBytes } from 'node:crypto'

/**
 * Credentials are 256-bit random values with a recognisable prefix (so secret scanners and humans
 * can tell them apart), stored only as SHA-256 digests: a plain digest is enough for values with
 * this much entropy, and it lets the server find a token by an indexed lookup.
 */
export const TOKEN_PREFIX = {
  enrollSecret: 'aise',
  device: 'aisd',
  api: 'aisa',
} as const

export function newCredential(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`
}

export function credentialHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** Short display form of a credential: its prefix and first characters, never enough to use. */
export function credentialPrefix(value: string): string {
  return value.slice(0, 10)
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString()
}
