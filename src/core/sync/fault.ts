/**
 * Crash points for the client's fault tests: AISCOUT_SYNC_FAULT=<point>:<n> kills the process
 * with SIGKILL the n-th time it reaches the point. `after-enqueue` (batches queued, none sent),
 * `after-send` (a batch acknowledged by the server, the acknowledgement not yet recorded).
 */
const spec = process.env.AISCOUT_SYNC_FAULT
const [point, nth] = spec ? spec.split(':') : []
let seen = 0

export function syncFaultPoint(p: 'after-enqueue' | 'after-send'): void {
  if (point !== p) return
  if (++seen === Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL')
}
