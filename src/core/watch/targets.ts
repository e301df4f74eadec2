import type { DirBudget } from './budget'
import type { SkipDir } from './tree-dirs'
import { listTreeDirs } from './tree-dirs'
import type { TreeWatch } from './tree-watcher'
import { watchTree } from './tree-watcher'
import type { TargetState, TargetStatus, WatchTarget } from './types'
import { WATCH_REASONS } from './types'

export const targetKey = (t: WatchTarget): string => `${t.reason}|${t.depth ?? '*'}|${t.path}`

type Held = {
  target: WatchTarget
  state: TargetState
  watch?: TreeWatch
  /** Budget left when it was degraded: sizing it again is worth it only once more is free. */
  roomWhenDegraded?: number
}

export type TargetSetOptions = Readonly<{
  budget: DirBudget
  skipDir: SkipDir
  degradedEveryMs: number
  onTouch(path: string): void
  /** A target changed state (degraded, failed): for the log. */
  onState(t: WatchTarget, s: TargetState): void
  onError(e: Error): void
}>

export type TargetSet = Readonly<{
  /**
   * Watches the plan's targets: new ones are sized and watched, dropped ones unwatched. Degraded
   * targets are sized again only with `retryDegraded`, and only when more of the budget is free
   * than when they were degraded (sizing a huge root reads up to a budget's worth of folders).
   */
  apply(plan: readonly WatchTarget[], retryDegraded?: boolean): Promise<void>
  /** Unwatches everything (pause, stop). */
  clear(): Promise<void>
  status(): TargetStatus[]
  /** Targets rescanned periodically instead of watched (whole or in part). */
  degraded(): WatchTarget[]
}>

const rank = (t: WatchTarget): number => WATCH_REASONS.indexOf(t.reason)

/**
 * The targets being watched and what each costs. Targets are served in priority order; one too
 * big for what is left of the budget first takes the place of watched targets of lower priority
 * (those are degraded instead), and otherwise is degraded itself: its folders are rescanned
 * every `degradedEveryMs` rather than watched. A watched tree that grows past the budget keeps
 * its watches and is rescanned periodically as well.
 */
export function createTargetSet(o: TargetSetOptions): TargetSet {
  const held = new Map<string, Held>()

  const setState = (h: Held, s: TargetState): void => {
    h.state = s
    h.roomWhenDegraded = s.kind === 'degraded' ? o.budget.remaining() : undefined
    if (s.kind !== 'watched') o.onState(h.target, s)
  }

  const unwatch = async (key: string): Promise<void> => {
    const h = held.get(key)
    if (!h) return
    await h.watch?.close()
    o.budget.releaseOwner(key)
    h.watch = undefined
  }

  const tryWatch = async (h: Held): Promise<void> => {
    const key = targetKey(h.target)
    const size = listTreeDirs(h.target.path, {
      depth: h.target.depth,
      limit: o.budget.limit,
      skipDir: o.skipDir,
    })
    if (size.dirs.length === 0) {
      setState(h, { kind: 'failed', message: 'folder missing or unreadable' })
      return
    }
    const degrade = (): void =>
      setState(h, {
        kind: 'degraded',
        dirs: size.over ? o.budget.limit + 1 : size.dirs.length,
        everyMs: o.degradedEveryMs,
        why: 'over-budget',
      })
    if (size.over) return degrade()
    if (!o.budget.admitAll(key, size.dirs)) {
      // Make room from lower-priority targets, lowest priority first, if that is enough.
      const lower = [...held.entries()]
        .filter(([, x]) => x.watch && rank(x.target) > rank(h.target))
        .sort(([, a], [, b]) => rank(b.target) - rank(a.target))
      const need = size.dirs.filter((d) => !o.budget.has(d)).length - o.budget.remaining()
      let freed = 0
      const evict: string[] = []
      for (const [k, x] of lower) {
        if (freed >= need) break
        evict.push(k)
        freed += x.state.kind === 'watched' ? x.state.dirs : 0
      }
      if (freed < need) return degrade()
      for (const k of evict) {
        await unwatch(k)
        const x = held.get(k)!
        setState(x, {
          kind: 'degraded',
          dirs: x.state.kind === 'watched' ? x.state.dirs : 0,
          everyMs: o.degradedEveryMs,
          why: 'over-budget',
        })
      }
      if (!o.budget.admitAll(key, size.dirs)) return degrade()
    }
    let refused = false
    const osLimited = {
      kind: 'degraded',
      everyMs: o.degradedEveryMs,
      why: 'os-limit',
    } as const
    try {
      h.watch = await watchTree(h.target, {
        budget: o.budget,
        owner: key,
        skipDir: o.skipDir,
        onTouch: o.onTouch,
        onOverflow: () => {
          if (h.state.kind === 'watched')
            setState(h, {
              kind: 'degraded',
              dirs: h.state.dirs + 1,
              everyMs: o.degradedEveryMs,
              why: 'grew',
            })
        },
        onError: (e) => {
          const code = (e as NodeJS.ErrnoException).code
          // The OS refused a watch (its per-user limits are shared with every other program):
          // what could not be watched is covered by periodic rescans.
          if (code === 'ENOSPC' || code === 'EMFILE') {
            if (!refused && h.state.kind === 'watched')
              setState(h, { ...osLimited, dirs: h.state.dirs })
            refused = true
          }
          o.onError(e)
        },
      })
      if (refused) setState(h, { ...osLimited, dirs: size.dirs.length })
      else setState(h, { kind: 'watched', dirs: size.dirs.length })
    } catch (e) {
      o.budget.releaseOwner(key)
      setState(h, { kind: 'failed', message: (e as Error).message ?? String(e) })
    }
  }

  return {
    async apply(plan, retryDegraded = false) {
      const want = new Map(plan.map((t) => [targetKey(t), t]))
      for (const key of [...held.keys()]) {
        if (want.has(key)) continue
        await unwatch(key)
        held.delete(key)
      }
      const ordered = [...want.entries()].sort(([, a], [, b]) => rank(a) - rank(b))
      for (const [key, target] of ordered) {
        let h = held.get(key)
        if (h?.watch) continue
        if (
          h?.state.kind === 'degraded' &&
          (!retryDegraded || o.budget.remaining() <= (h.roomWhenDegraded ?? 0))
        )
          continue
        if (!h) {
          h = { target, state: { kind: 'failed', message: 'not watched yet' } }
          held.set(key, h)
        }
        await tryWatch(h)
      }
    },
    async clear() {
      for (const key of [...held.keys()]) await unwatch(key)
      held.clear()
    },
    status: () => [...held.values()].map((h) => ({ target: h.target, state: h.state })),
    degraded: () =>
      [...held.values()].filter((h) => h.state.kind === 'degraded').map((h) => h.target),
  }
}
