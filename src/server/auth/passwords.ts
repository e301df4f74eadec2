import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Password hashes for dashboard users: scrypt from node:crypto (memory-hard; no native add-on to
 * build). Stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url), so the cost can be raised
 * later and old hashes still verify with the parameters they were made with.
 */
const N = 1 << 15
const R = 8
const P = 1
const KEY_LEN = 32
/** scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is just below N=2^15, r=8. */
const MAX_MEM = 64 * 1024 * 1024

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 1024

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LEN, { N: n, r, p, maxmem: MAX_MEM }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** A hash to verify against when the user does not exist, so both answers take as long. */
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  return dummy
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false
  if (password.length > MAX_PASSWORD_LENGTH) return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const want = Buffer.from(parts[5]!, 'base64url')
  const got = await derive(password, salt, n, r, p)
  return got.length === want.length && timingSafeEqual(got, want)
}
