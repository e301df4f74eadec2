import { appendFileSync } from 'node:fs'

/**
 * Debug option for the physical-reference benchmark (`node bench/run.mjs --only physical`): with
 * `AISCOUT_TRACE_OPENS=FILE` in the environment, every thread of the engine (the scan's and the
 * analysis workers', which inherit the variable) appends the path of each file it opened for
 * reading to FILE, NUL-terminated, so a minimal reader can read exactly those files. Unset, it is
 * a no-op. Paths only, never content: the list is what `find` would print.
 */
const target = process.env.AISCOUT_TRACE_OPENS

export const traceOpen: (path: string) => void = target
  ? (path) => {
      try {
        appendFileSync(target, `${path}\0`)
      } catch {
        // A debug aid must never fail a scan.
      }
    }
  : () => undefined
