import type { Advisory } from '../../../rules/package-advisories'
import { ADVISORIES } from '../../../rules/package-advisories'
import { normalizeName } from './ai-packages'
import { inRange } from './pep440'

const BY_PACKAGE: ReadonlyMap<string, readonly Advisory[]> = (() => {
  const m = new Map<string, Advisory[]>()
  for (const a of ADVISORIES) for (const p of a.packages) m.set(p, [...(m.get(p) ?? []), a])
  return m
})()

/**
 * Advisories (rules/package-advisories.ts, the table the `package.vulnerable` rule lists) whose
 * ranges include this installed version (none when the version does not parse).
 */
export function advisoriesFor(name: string, version: string): readonly Advisory[] {
  const list = BY_PACKAGE.get(normalizeName(name)) ?? []
  return list.filter((a) => a.ranges.some((r) => inRange(version, r) === true))
}
