import type { Dirent } from 'node:fs'
import { existsSync, lstatSync, readdirSync } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'

/**
 * File-system timestamps are coarse (a kernel tick, 2 s on FAT) and the clock may have been
 * adjusted: anything within this margin before `since` counts as changed.
 */
const MARGIN_MS = 2000

export type ChangedSinceOptions = Readonly<{
  /** Whether a folder is watched itself (then it is looked at on its own, not as a subtree). */
  isWatched(dir: string): boolean
  /**
   * Paths the inventory knows directly inside `dir` (assets, findings, files the locators
   * read): those that no longer exist were deleted meanwhile. Without it, a folder whose entries
   * changed is rescanned whole.
   */
  knownIn?(dir: string): Iterable<string>
  skipDir?(path: string, name: string, parentName: string): boolean
}>

/**
 * What changed in the watched folders since `since` (ms since the epoch), for the rescan after a
 * pause or a restart. In each watched folder: a file whose mtime or ctime moved; a subfolder the
 * watch does not reach (beyond its depth) whose own times moved, whole; and when the folder's own
 * mtime moved (entries added, removed or renamed), the paths the inventory knew there that are
 * gone. A watched folder that vanished is rescanned as missing. Names and times are read, never
 * file content.
 */
export function changedSince(
  dirs: Iterable<string>,
  since: number,
  o: ChangedSinceOptions,
): string[] {
  const t = since - MARGIN_MS
  const moved = (st: { mtimeMs: number; ctimeMs: number }): boolean =>
    st.mtimeMs >= t || st.ctimeMs >= t
  const out: string[] = []
  for (const dir of dirs) {
    let st
    try {
      st = lstatSync(dir)
    } catch {
      out.push(dir)
      continue
    }
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue
    }
    if (moved(st)) {
      if (!o.knownIn) {
        out.push(dir)
        continue
      }
      for (const k of o.knownIn(dir)) if (!existsSync(k)) out.push(k)
    }
    const parentName = basename(dir)
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (o.isWatched(p) || o.skipDir?.(p, e.name, parentName)) continue
      }
      try {
        if (moved(lstatSync(p))) out.push(p)
      } catch {
        // Vanished since the listing: its folder's mtime moved, and the inventory knows it.
      }
    }
  }
  return minimalPaths(out)
}

const isUnder = (p: string, root: string): boolean =>
  p.startsWith(root.endsWith(sep) ? root : root + sep)

/** Drops duplicates and every path inside another one of the list (a scope covers its subtree). */
export function minimalPaths(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort()
  const out: string[] = []
  for (const p of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && (p === last || isUnder(p, last))) continue
    out.push(p)
  }
  return out
}

/**
 * The scope of one rescan: the changed paths, with folders standing in for crowds (more than
 * `perDir` changed entries in one folder are rescanned as that folder, once), and at most
 * `max` paths in all (beyond it, parent folders replace their entries until it fits).
 */
export function scopeFor(paths: Iterable<string>, perDir = 64, max = 2048): string[] {
  let scope = minimalPaths(paths)
  const group = (list: readonly string[], limit: number): string[] => {
    const byDir = new Map<string, string[]>()
    for (const p of list) {
      const d = dirname(p)
      const g = byDir.get(d)
      if (g) g.push(p)
      else byDir.set(d, [p])
    }
    const next: string[] = []
    for (const [d, g] of byDir) {
      if (g.length > limit && d !== dirname(d)) next.push(d)
      else next.push(...g)
    }
    return minimalPaths(next)
  }
  scope = group(scope, perDir)
  for (let limit = perDir; scope.length > max && limit > 1; limit = Math.floor(limit / 2)) {
    scope = group(scope, limit)
  }
  return scope
}
