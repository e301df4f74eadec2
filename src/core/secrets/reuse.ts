import type { NewFinding } from '../types'

/** One place a key was found: `ref` names its secret asset (an identity or an asset id). */
export type KeyPlace = Readonly<{
  path: string
  line: number
  ref: string
  provider: string
  redacted: string
}>

/**
 * `posture.key-reused`: the same key (the places of one fingerprint) stored in several files.
 * One finding per key, on its first place by path and line, naming every path in order; the
 * result depends only on the places, never on the order they were found in.
 */
export function keyReuseFindings(
  keys: Iterable<readonly KeyPlace[]>,
): { finding: NewFinding; ref: string }[] {
  const out: { finding: NewFinding; ref: string }[] = []
  for (const places of keys) {
    const paths = [...new Set(places.map((p) => p.path))].sort()
    if (paths.length < 2) continue
    const head = [...places].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line,
    )[0]!
    out.push({
      ref: head.ref,
      finding: {
        ruleId: 'posture.key-reused',
        message: `The same ${head.provider} key (${head.redacted}) is stored in ${paths.length} places: ${paths.join(', ')}`,
        path: head.path,
        line: head.line,
      },
    })
  }
  return out
}
