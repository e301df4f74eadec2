import { sep } from 'node:path'

/**
 * The watch budget: every watched folder costs one OS watch (an inotify watch on Linux, shared by
 * all of the user's processes), and the watcher never holds more than `limit`. Folders are
 * admitted on behalf of targets; a folder two targets share costs one watch and is released when
 * the last of them lets go.
 */
export type DirBudget = Readonly<{
  limit: number
  used(): number
  remaining(): number
  has(dir: string): boolean
  /** Admits the folders `owner` needs, all or none: those not yet admitted must fit. */
  admitAll(owner: string, dirs: readonly string[]): boolean
  /** Admits one more folder for `owner` (a folder created in a watched tree). */
  admitOne(owner: string, dir: string): boolean
  /** Releases `dir` and the folders below it held by `owner` (a folder deleted). */
  releaseTree(owner: string, dir: string): void
  /** Releases everything `owner` holds (its target unwatched). */
  releaseOwner(owner: string): void
  /** The folders admitted, for the resume rescan. */
  dirs(): IterableIterator<string>
}>

export function createDirBudget(limit: number): DirBudget {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`watch budget ${limit}`)
  const holders = new Map<string, Set<string>>()
  const byOwner = new Map<string, Set<string>>()
  const hold = (owner: string, dir: string): void => {
    let h = holders.get(dir)
    if (!h) holders.set(dir, (h = new Set()))
    h.add(owner)
    let o = byOwner.get(owner)
    if (!o) byOwner.set(owner, (o = new Set()))
    o.add(dir)
  }
  const drop = (owner: string, dir: string): void => {
    const h = holders.get(dir)
    if (h) {
      h.delete(owner)
      if (h.size === 0) holders.delete(dir)
    }
    byOwner.get(owner)?.delete(dir)
  }
  return {
    limit,
    used: () => holders.size,
    remaining: () => limit - holders.size,
    has: (dir) => holders.has(dir),
    admitAll(owner, dirs) {
      let fresh = 0
      for (const d of new Set(dirs)) if (!holders.has(d)) fresh++
      if (fresh > limit - holders.size) return false
      for (const d of dirs) hold(owner, d)
      return true
    },
    admitOne(owner, dir) {
      if (holders.get(dir)?.has(owner)) return true
      if (!holders.has(dir) && holders.size >= limit) return false
      hold(owner, dir)
      return true
    },
    releaseTree(owner, dir) {
      const own = byOwner.get(owner)
      if (!own) return
      const prefix = dir.endsWith(sep) ? dir : dir + sep
      for (const d of [...own]) if (d === dir || d.startsWith(prefix)) drop(owner, d)
    },
    releaseOwner(owner) {
      for (const d of [...(byOwner.get(owner) ?? [])]) drop(owner, d)
      byOwner.delete(owner)
    },
    dirs: () => holders.keys(),
  }
}
