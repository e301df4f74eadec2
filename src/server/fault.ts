/**
 * Crash points for the fault tests: with AISCOUT_SERVER_FAULT=<point>:<n> the process kills
 * itself with SIGKILL the n-th time it reaches that point (like a power cut at that instant,
 * minus the OS cache loss). Points: `before-apply` (request read, nothing written),
 * `mid-apply` (items written inside the open transaction), `after-commit` (committed, the
 * acknowledgement not yet sent). Unset in production: one string comparison per batch.
 */
const spec = process.env.AISCOUT_SERVER_FAULT
const [point, nth] = spec ? spec.split(':') : []
let seen = 0

export type FaultPoint = 'before-apply' | 'mid-apply' | 'after-commit'

export function faultPoint(p: FaultPoint): void {
  if (point !== p) return
  if (++seen === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL')
}
