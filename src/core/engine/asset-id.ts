import { createHash } from 'node:crypto'
import type { AssetKind } from '../types'

/**
 * Stable asset id derived from kind + identity (the path unless the emitter gives a better
 * identity), so a rescan updates the same row instead of adding a duplicate.
 */
export function assetIdFor(kind: AssetKind, identity: string): string {
  const h = createHash('sha256').update(kind).update('\0').update(identity).digest('hex')
  return `${kind}:${h.slice(0, 24)}`
}

export function findingIdFor(parts: readonly (string | number | undefined)[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(String(p ?? '')).update('\0')
  return h.digest('hex').slice(0, 32)
}
