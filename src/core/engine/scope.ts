import { realpathSync } from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import type { Locator } from '../discovery/types'
import type { ScopeIndex } from '../storage/scope-index'
import type { ScanScope } from '../types'
import { unitTarget } from './units'

/** What one scan runs, resolved from its scope and what the inventory knows. */
export type ScanPlan = Readonly<{
  scope: ScanScope
  /** Locators to run, in registry order; `index` is the registry position (the unit's rank). */
  locators: readonly Readonly<{ locator: Locator; index: number }>[]
  /** What the crawl reads: the roots, some paths (files or folders), or nothing. */
  crawl: Readonly<
    { kind: 'roots' } | { kind: 'paths'; paths: readonly string[] } | { kind: 'none' }
  >
  /** Files outside the crawled paths whose analyses depend on a changed path (run again). */
  files: readonly string[]
  /** Claims of the units this scan does not run, which the crawl and the locators honour. */
  claims: Readonly<{ dirs: readonly string[]; files: readonly string[] }>
  /** Paths whose crawled files' earlier results this scan replaces. */
  coverPaths: readonly string[]
  /** Whether the scan-wide checks run (the process environment). */
  scanWide: boolean
}>

export class ScopeError extends Error {}

/**
 * A scope path as the crawl would see it: absolute, its folder's symlinks resolved (the roots
 * are), the name itself kept (a changed symlink is the link, not its target). A path that no
 * longer exists keeps what cannot be resolved.
 */
export function normaliseScopePath(p: string): string {
  const abs = resolve(p)
  const tail = [basename(abs)]
  for (let head = dirname(abs); ;) {
    try {
      return join(realpathSync(head), ...tail)
    } catch {
      const up = dirname(head)
      if (up === head) return abs
      tail.unshift(basename(head))
      head = up
    }
  }
}

const isAtOrUnder = (p: string, root: string): boolean =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep)

export function planScan(
  index: ScopeIndex,
  scope: ScanScope,
  o: Readonly<{ roots: readonly string[]; locators: readonly Locator[] }>,
): ScanPlan {
  const all = o.locators.map((locator, i) => ({ locator, index: i }))
  switch (scope.kind) {
    case 'full':
      return {
        scope,
        locators: all,
        crawl: { kind: 'roots' },
        files: [],
        claims: { dirs: [], files: [] },
        coverPaths: [],
        scanWide: true,
      }
    case 'locators': {
      const known = new Set(o.locators.map((l) => l.id))
      for (const id of scope.ids)
        if (!known.has(id))
          throw new ScopeError(`unknown locator ${id} (known: ${[...known].join(', ')})`)
      const ids = new Set(scope.ids)
      const run = new Set(scope.ids.map((id) => `locator:${id}`))
      return {
        scope,
        locators: all.filter((l) => ids.has(l.locator.id)),
        crawl: { kind: 'none' },
        files: [],
        claims: index.claims((origin) => !run.has(origin)),
        coverPaths: [],
        scanWide: false,
      }
    }
    case 'paths': {
      const paths = [...new Set(scope.paths.map(normaliseScopePath))].sort()
      const under = (p: string): boolean => paths.some((s) => isAtOrUnder(p, s))
      const locatorIds = new Set<string>()
      const files = new Set<string>()
      for (const key of index.dependents(paths)) {
        const t = unitTarget(key)
        if (t?.kind === 'locator') locatorIds.add(t.id)
        else if (t?.kind === 'file' && !under(t.path)) files.add(t.path)
      }
      const rerun = (origin: string): boolean => {
        const t = unitTarget(origin)
        if (!t) return false
        return t.kind === 'locator' ? locatorIds.has(t.id) : files.has(t.path) || under(t.path)
      }
      return {
        scope,
        locators: all.filter((l) => locatorIds.has(l.locator.id)),
        crawl: { kind: 'paths', paths },
        files: [...files].sort(),
        claims: index.claims((origin) => !rerun(origin)),
        coverPaths: paths,
        scanWide: false,
      }
    }
  }
}
