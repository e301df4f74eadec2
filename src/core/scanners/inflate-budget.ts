import type { ScanContext } from './types'

/**
 * What one file's scan has inflated, shared by every nesting level (scanSource makes one per file
 * and hands it to nested scans). Per-archive budgets let a zip in a zip in a zip each inflate up
 * to the member limit while the parents' buffers stay alive under the child's scan, so memory
 * grew with depth (four levels of ~500 MB: 2 GB). With one budget a file's scan never holds more
 * than `maxMemberBytes` (512 MiB by default) of inflated data at once, nor inflates more than
 * `maxInflatedBytes` (2 GiB) in all.
 */
export type InflateBudget = {
  /** Bytes inflated so far by this file's scan, all levels together. */
  inflated: number
  /** Bytes of inflated buffers alive now (a parent member's buffer while its children scan). */
  live: number
}

export function newInflateBudget(): InflateBudget {
  return { inflated: 0, live: 0 }
}

/** Largest buffer this file's scan may inflate now: the smaller of the total and live room. */
export function inflateRoom(ctx: ScanContext): number {
  const { budget, limits } = ctx
  return Math.max(
    0,
    Math.min(limits.maxInflatedBytes - budget.inflated, limits.maxMemberBytes - budget.live),
  )
}

/** Why `bytes` more cannot be inflated (undefined when they can). */
export function overBudget(ctx: ScanContext, bytes: number): string | undefined {
  const { budget, limits } = ctx
  if (budget.inflated + bytes > limits.maxInflatedBytes)
    return `this file's archives expand beyond ${limits.maxInflatedBytes} bytes in total (nested archives included)`
  if (budget.live + bytes > limits.maxMemberBytes)
    return `${bytes} more bytes would raise the inflated data this file's scan holds at once (${budget.live} bytes in enclosing archives) over ${limits.maxMemberBytes} bytes`
  return undefined
}

/** Counts an inflated buffer and holds it live while `use` (its nested scan) runs. */
export function holdInflated<T>(ctx: ScanContext, bytes: number, use: () => T): T {
  ctx.budget.inflated += bytes
  ctx.budget.live += bytes
  try {
    return use()
  } finally {
    ctx.budget.live -= bytes
  }
}

/** Message tail when a cap came from the file-wide budget rather than the member limits. */
export function budgetNote(cap: number, room: number): string {
  return cap === room
    ? " (what is left of this file's inflate budget; enclosing archives count too)"
    : ''
}
