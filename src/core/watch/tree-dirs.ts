import type { Dirent } from 'node:fs'
import { readdirSync } from 'node:fs'
import { basename, isAbsolute, join, relative, sep } from 'node:path'

/** Whether the watcher leaves a folder out (the crawl's pruning, the user's exclusions). */
export type SkipDir = (path: string, name: string, parentName: string) => boolean

export type TreeDirs = Readonly<{
  /** Folders to watch, the target's own first. */
  dirs: readonly string[]
  /** True when the walk stopped at `limit` folders (the tree is bigger). */
  over: boolean
}>

/**
 * Lists the folders a watch of `root` needs, down to `depth` levels below it (all levels when
 * undefined), leaving out pruned folders and never following a symlink; stops as soon as more
 * than `limit` are found, so sizing a huge root against the budget costs at most `limit`
 * directory reads. Unreadable folders are left out (the OS would refuse to watch them too).
 * Only names and types are read (no stat per entry).
 */
export function listTreeDirs(
  root: string,
  o: Readonly<{ depth?: number; limit: number; skipDir: SkipDir }>,
): TreeDirs {
  const dirs: string[] = []
  const queue: Array<[string, number]> = [[root, 0]]
  for (let head = 0; head < queue.length; head++) {
    const [dir, level] = queue[head]!
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue
    }
    dirs.push(dir)
    if (dirs.length > o.limit) return { dirs: dirs.slice(0, o.limit), over: true }
    if (o.depth !== undefined && level >= o.depth) continue
    const parentName = basename(dir)
    for (const e of entries) {
      if (!e.isDirectory()) continue
      const p = join(dir, e.name)
      if (o.skipDir(p, e.name, parentName)) continue
      queue.push([p, level + 1])
    }
  }
  return { dirs, over: false }
}

/** Levels of `p` below `root` (0 for the root itself), or -1 when it is not under it. */
export function levelBelow(root: string, p: string): number {
  if (p === root) return 0
  const rel = relative(root, p)
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return -1
  return rel.split(sep).length
}
