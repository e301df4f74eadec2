import type { DiscoveryContext } from '../../types'

/**
 * Files this area already read in the current scan. Instruction and skill files are tracked here
 * instead of `ctx.claimFile` because a claim also keeps the engine's secrets pass away from the
 * file, and a key pasted into CLAUDE.md must still be found. Keyed by the scan's context object.
 */
const HANDLED = new WeakMap<DiscoveryContext, Set<string>>()

export function markHandled(ctx: DiscoveryContext, path: string): void {
  let s = HANDLED.get(ctx)
  if (!s) HANDLED.set(ctx, (s = new Set()))
  s.add(path)
}

export function wasHandled(ctx: DiscoveryContext, path: string): boolean {
  return HANDLED.get(ctx)?.has(path) ?? false
}
