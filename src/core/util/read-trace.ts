import { AsyncLocalStorage } from 'node:async_hooks'

/** How a helper touched a path: read a file (or found it by stat), listed a folder, found nothing. */
export type ObservedUse = 'read' | 'list' | 'absent'

/** Told about every path the bounded fs helpers touch on behalf of the current unit of work. */
export type PathObserver = Readonly<{ observe(path: string, use: ObservedUse): void }>

/**
 * The unit of work on whose behalf code runs, carried through its awaits: the scan engine runs
 * each locator and each file analysis inside `runObserved`, and the shared fs helpers report
 * what they touch, so the inventory learns which paths each unit depends on (a later change
 * there re-runs exactly that unit) without every locator having to declare its reads.
 */
const current = new AsyncLocalStorage<PathObserver>()

export function runObserved<T>(observer: PathObserver, fn: () => T): T {
  return current.run(observer, fn)
}

export function currentObserver(): PathObserver | undefined {
  return current.getStore()
}

export function observePath(path: string, use: ObservedUse): void {
  current.getStore()?.observe(path, use)
}
