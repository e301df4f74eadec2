import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'

/** Each symlink target stays well under PATH_MAX (4096) and the chain under the 40-link limit. */
const CHUNK = 3000
const MAX_LINKS = 30

/**
 * Paths longer than PATH_MAX cannot be passed to open()/readdir(), but the kernel resolves a
 * short path through a chain of symlinks whose targets are each short. An alias is such a chain
 * in a private temp folder: the crawl walks and reads through it and records the real path.
 */
export type LongPathAliases = Readonly<{
  /** Creates an alias for a real directory path; undefined when the platform refuses. */
  alias(realDir: string): string | undefined
  /** Maps a path under an alias back to the real (long) path; other paths are returned as is. */
  toReal(p: string): string
  active(): boolean
  dispose(): void
}>

export function createLongPathAliases(): LongPathAliases {
  const map = new Map<string, string>()
  const bases: string[] = []
  const toReal = (p: string): string => {
    if (map.size === 0) return p
    for (const [alias, real] of map) {
      if (p === alias) return real
      if (p.startsWith(alias + sep)) return real + p.slice(alias.length)
    }
    return p
  }
  return {
    toReal,
    active: () => map.size > 0,
    alias(realDir) {
      const segments = realDir.split(sep).filter(Boolean)
      const chunks: string[] = []
      let cur = ''
      for (const s of segments) {
        if (s.length > 255) return undefined
        if (cur.length + s.length + 1 > CHUNK) {
          chunks.push(cur)
          cur = ''
        }
        cur += sep + s
      }
      if (cur) chunks.push(cur)
      if (chunks.length > MAX_LINKS) return undefined
      try {
        const base = mkdtempSync(join(tmpdir(), 'aiscout-long-'))
        bases.push(base)
        let prev: string | undefined
        chunks.forEach((chunk, i) => {
          const link = join(base, `l${i}`)
          symlinkSync(prev === undefined ? chunk : prev + chunk, link)
          prev = link
        })
        map.set(prev!, realDir)
        return prev
      } catch {
        return undefined
      }
    },
    dispose() {
      for (const b of bases) rmSync(b, { recursive: true, force: true })
      bases.length = 0
      map.clear()
    },
  }
}
