import { dirname, sep } from 'node:path'
import type { InventoryWriter, Origin, PathUse } from '../storage/inventory-writer'
import type { ObservedUse, PathObserver } from '../util/read-trace'
import { currentObserver, runObserved } from '../util/read-trace'

/**
 * Units of work: what a scoped scan re-runs and whose earlier output it replaces. Each locator
 * run is one unit, so is the analysis of one crawled file (model scan and file analyzers), and
 * the secrets pass over one file. Ranks order units that emit the same asset: locators in
 * registry order first, then file analyses, then the secrets pass, as a full scan runs them.
 */
export const FILE_RANK = 100_000
export const SECRETS_RANK = 200_000
export const SCAN_RANK = 300_000

export const locatorUnit = (id: string, index: number): Origin => ({
  key: `locator:${id}`,
  rank: index,
})
export const fileUnit = (path: string): Origin => ({ key: `file:${path}`, rank: FILE_RANK })
export const secretsUnit = (path: string): Origin => ({
  key: `secrets:${path}`,
  rank: SECRETS_RANK,
})
export const ENVIRONMENT_UNIT: Origin = { key: 'scan:environment', rank: SCAN_RANK }
/** Whatever is emitted outside any unit (none of the engine's own stages do). */
export const ENGINE_UNIT: Origin = { key: 'scan:engine', rank: SCAN_RANK + 1 }

/** The locator id of a `locator:<id>` key, the file of a `file:`/`secrets:` key. */
export function unitTarget(
  key: string,
): { kind: 'locator'; id: string } | { kind: 'file'; path: string } | undefined {
  if (key.startsWith('locator:')) return { kind: 'locator', id: key.slice(8) }
  if (key.startsWith('file:')) return { kind: 'file', path: key.slice(5) }
  if (key.startsWith('secrets:')) return { kind: 'file', path: key.slice(8) }
  return undefined
}

const UNIT = Symbol('unit of work')

type Unit = PathObserver &
  Readonly<{
    [UNIT]: true
    origin: Origin
    claim(path: string, use: 'claim-dir' | 'claim-file'): void
  }>

export type Units = Readonly<{
  /** Runs `fn` as `origin`: emissions and the paths the fs helpers touch are attributed to it. */
  run<T>(origin: Origin, fn: () => Promise<T>): Promise<T>
  /** The unit the calling code runs in. */
  current(): Origin
  /** Records a claim by the current unit. */
  claim(path: string, use: 'claim-dir' | 'claim-file'): void
  /** Distinct paths the locators probed (read, listed, found missing or claimed). */
  locationsChecked(): number
}>

/**
 * `real` maps a path under a long-path alias back to the real one. A unit's reads of its own
 * file, and of paths under folders it claimed, are implied and not recorded.
 */
export function createUnits(writer: InventoryWriter, real: (p: string) => string): Units {
  const locations = new Set<string>()
  const make = (origin: Origin): Unit => {
    const locator = origin.key.startsWith('locator:')
    const own = origin.key.startsWith('locator:') ? undefined : unitTarget(origin.key)
    const ownPath = own?.kind === 'file' ? own.path : undefined
    const claimed = new Set<string>()
    const underClaim = (p: string): boolean => {
      if (claimed.size === 0) return false
      for (let d = dirname(p); ; d = dirname(d)) {
        if (claimed.has(d)) return true
        if (dirname(d) === d) return false
      }
    }
    return {
      [UNIT]: true,
      origin,
      observe(path: string, use: ObservedUse) {
        const p = real(path)
        if (p === ownPath || underClaim(p)) return
        if (locator) locations.add(p)
        writer.notePath(origin, p, use)
      },
      claim(path, use) {
        const p = real(path)
        if (locator) locations.add(p)
        if (use === 'claim-dir') claimed.add(p.endsWith(sep) && p.length > 1 ? p.slice(0, -1) : p)
        writer.notePath(origin, p, use)
      },
    }
  }
  // Units are made per run and not kept: a crawl runs one per candidate file.
  const currentUnit = (): Unit | undefined => {
    const o = currentObserver() as Partial<Unit> | undefined
    return o?.[UNIT] ? (o as Unit) : undefined
  }
  return {
    run(origin, fn) {
      writer.cover(origin)
      return runObserved(make(origin), fn)
    },
    current: () => currentUnit()?.origin ?? ENGINE_UNIT,
    claim(path, use) {
      ;(currentUnit() ?? make(ENGINE_UNIT)).claim(path, use)
    },
    locationsChecked: () => locations.size,
  }
}

export type { PathUse }
