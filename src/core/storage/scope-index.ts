import { dirname, sep } from 'node:path'
import type { Db } from './db'

/**
 * What the inventory knows about the paths each unit of work claimed or read, for planning a
 * scoped scan.
 */
export type ScopeIndex = Readonly<{
  /**
   * Units a change at any of `paths` may affect: a unit that claimed, read or listed something
   * at or under a path; that listed a path's folder (a new entry there); that claimed a folder
   * above it, or found a folder above it missing (it may exist now).
   */
  dependents(paths: readonly string[]): Set<string>
  /** Folders and files claimed by the units `keep` accepts (the crawl stays out of them). */
  claims(keep: (origin: string) => boolean): Readonly<{ dirs: string[]; files: string[] }>
}>

function trimSep(p: string): string {
  return p.length > 1 && p.endsWith(sep) ? p.slice(0, -1) : p
}

export function createScopeIndex(db: Db): ScopeIndex {
  const atOrUnder = db.prepare(
    `SELECT DISTINCT origin FROM origin_paths WHERE path = ? OR (path >= ? AND path < ?)`,
  )
  const at = db.prepare(`SELECT origin, how FROM origin_paths WHERE path = ?`)
  const next = String.fromCharCode(sep.charCodeAt(0) + 1)
  return {
    dependents(paths) {
      const out = new Set<string>()
      for (const raw of paths) {
        const p = trimSep(raw)
        for (const r of atOrUnder.all(p, p + sep, p + next) as { origin: string }[])
          out.add(r.origin)
        const parent = dirname(p)
        for (const r of at.all(parent) as { origin: string; how: string }[])
          if (r.how === 'list') out.add(r.origin)
        for (let d = parent; ; d = dirname(d)) {
          for (const r of at.all(d) as { origin: string; how: string }[])
            if (r.how === 'claim-dir' || r.how === 'absent') out.add(r.origin)
          if (dirname(d) === d) break
        }
      }
      return out
    },
    claims(keep) {
      const rows = db
        .prepare(
          `SELECT origin, path, how FROM origin_paths WHERE how IN ('claim-dir', 'claim-file')`,
        )
        .all() as { origin: string; path: string; how: string }[]
      const dirs: string[] = []
      const files: string[] = []
      for (const r of rows) {
        if (!keep(r.origin)) continue
        if (r.how === 'claim-dir') dirs.push(r.path)
        else files.push(r.path)
      }
      return { dirs, files }
    },
  }
}
