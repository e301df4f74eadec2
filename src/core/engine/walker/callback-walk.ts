import type { Dirent } from 'node:fs'
import { createDrainGate } from './drain'
import type { WalkOptions } from './types'

/**
 * Tests inject a callback reader (failures, races): one directory per call, `concurrency` in
 * flight, results handled on the next turn of the event loop.
 */
export function callbackWalk(
  queue: string[],
  opts: WalkOptions,
  handle: (dir: string, entries: readonly Dirent[]) => void,
  fail: (dir: string, code: string | undefined) => void,
): Promise<void> {
  const readdirFn = opts.readdir!
  const limit = Math.max(1, opts.concurrency ?? 8)
  let active = 0
  let scheduled = false
  const ready: (string | Dirent[] | NodeJS.ErrnoException)[] = []
  return new Promise<void>((resolvePromise) => {
    const paused = createDrainGate(opts, () => pump())
    const pump = (): void => {
      scheduled = false
      for (let i = 0; i < ready.length; i += 2) {
        const r = ready[i + 1]!
        if (Array.isArray(r)) handle(ready[i] as string, r)
        else fail(ready[i] as string, (r as NodeJS.ErrnoException).code ?? 'EIO')
      }
      ready.length = 0
      if (opts.signal?.aborted) queue.length = 0
      else if (paused()) return
      while (active < limit && queue.length > 0) {
        const dir = queue.pop()!
        active++
        readdirFn(dir, (err, entries) => {
          active--
          ready.push(dir, err ?? entries)
          if (!scheduled) {
            scheduled = true
            setImmediate(pump)
          }
        })
      }
      if (active === 0 && queue.length === 0 && ready.length === 0) resolvePromise()
    }
    pump()
  })
}
