import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import type { AssetKind } from '../types'

/**
 * Stable asset id derived from kind + identity (the path unless the emitter gives a better
 * identity), so a rescan updates the same row instead of adding a duplicate.
 */
export function assetIdFor(kind: AssetKind, identity: string): string {
  return `${kind}:${sha256Hex(`${kind}\0${identity}`).slice(0, 24)}`
}

/** One-shot hashing (crypto.hash, Node ≥ 20.12) is several times cheaper than createHash per id. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash
function sha256Hex(s: string): string {
  return oneShot ? oneShot('sha256', s, 'hex') : createHash('sha256').update(s).digest('hex')
}

/** Digest of the parts, each followed by NUL (ids are unchanged from the streaming form). */
export function findingIdFor(parts: readonly (string | number | undefined)[]): string {
  let s = ''
  for (const p of parts) s += `${p ?? ''}\0`
  return sha256Hex(s).slice(0, 32)
}
