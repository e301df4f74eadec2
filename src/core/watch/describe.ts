import type { TargetState, WatchTarget } from './types'

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`

/** "30 minutes", "5 seconds". */
export function every(ms: number): string {
  return ms < 60_000
    ? plural(Math.round(ms / 1000), 'second')
    : plural(Math.round(ms / 60_000), 'minute')
}

/**
 * What the log, `aiscout watch` and the app say about a target that is not (fully) watched;
 * undefined for a watched one. `show` formats the path (the CLI shortens the home to `~`).
 */
export function describeTargetState(
  t: WatchTarget,
  s: TargetState,
  show: (path: string) => string = (p) => p,
): string | undefined {
  switch (s.kind) {
    case 'watched':
      return undefined
    case 'degraded':
      switch (s.why) {
        case 'over-budget':
          return `${show(t.path)} is too big for the watch budget: rescanned every ${every(s.everyMs)} instead`
        case 'grew':
          return `${show(t.path)} grew past the watch budget: also rescanned every ${every(s.everyMs)}`
        case 'os-limit':
          return `${show(t.path)} could not be watched fully (the system's limit of watches or open files is used up): also rescanned every ${every(s.everyMs)}`
      }
      break
    case 'failed':
      return `${show(t.path)} cannot be watched: ${s.message}`
  }
}
