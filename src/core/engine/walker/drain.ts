import type { WalkOptions } from './types'

/**
 * Back-pressure shared by both walks: `paused()` is true while the consumer asks for a pause
 * (shouldPause); the first such call starts waiting for its drain, and `resume` runs once it has
 * drained. Without waitForDrain there is no pause.
 */
export function createDrainGate(opts: WalkOptions, resume: () => void): () => boolean {
  let draining = false
  return () => {
    if (!(opts.shouldPause?.() && opts.waitForDrain)) return false
    if (!draining) {
      draining = true
      void opts.waitForDrain().then(() => {
        draining = false
        resume()
      })
    }
    return true
  }
}
