import { dirname } from 'node:path'
import type { DiscoveryContext } from '../types'

/** Runs a store parser and turns any unexpected exception into a skipped entry for its folder. */
export async function guard(
  ctx: DiscoveryContext,
  path: string,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn()
  } catch (e) {
    ctx.emitSkipped({
      path,
      reason: 'error',
      message: `store parser failed: ${(e as Error)?.message ?? e}`,
    })
  }
}

export function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)]
}

/**
 * Whether a path or any folder above it was claimed. The engine's isClaimed matches exact paths
 * only, so a store nested in another store's root (an extra_model_paths.yaml folder inside
 * ComfyUI/models) is checked up the tree here.
 */
export function claimedOrUnder(ctx: DiscoveryContext, p: string): boolean {
  for (let cur = p, i = 0; i < 64; i++) {
    if (ctx.isClaimed(cur)) return true
    const up = dirname(cur)
    if (up === cur) return false
    cur = up
  }
  return false
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A non-empty string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}
