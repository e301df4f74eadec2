import { realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'

/**
 * Normalises scan roots: absolute, symlinks resolved, duplicates removed, and a root inside
 * another root dropped (overlapping roots are walked once).
 */
export function normaliseRoots(roots: readonly string[]): string[] {
  const abs = roots.map((r) => {
    const a = resolve(r)
    try {
      return realpathSync(a)
    } catch {
      return a
    }
  })
  const unique = [...new Set(abs)].sort((a, b) => a.length - b.length)
  const out: string[] = []
  for (const r of unique) {
    if (out.some((o) => r === o || r.startsWith(o.endsWith(sep) ? o : o + sep))) continue
    out.push(r)
  }
  return out
}
