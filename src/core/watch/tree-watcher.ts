import type { Stats } from 'node:fs'
import { lstatSync, realpathSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import type { DirBudget } from './budget'
import type { SkipDir } from './tree-dirs'
import { levelBelow } from './tree-dirs'
import type { WatchTarget } from './types'

export type TreeWatch = Readonly<{ close(): Promise<void> }>

export type TreeWatchOptions = Readonly<{
  budget: DirBudget
  /** The budget owner key of this target. */
  owner: string
  skipDir: SkipDir
  /** Something happened at `path` (a file or folder created, written, renamed or deleted). */
  onTouch(path: string): void
  /** A folder appeared that the budget cannot hold: the tree is no longer fully watched. */
  onOverflow(dir: string): void
  onError(e: Error): void
}>

/**
 * Watches one target with chokidar, folders only. chokidar's default watches every file as well
 * as every folder (one inotify watch each, 50,551 for a 50k-file tree; toolchain notes §7), so
 * files are ignored here: each folder holds one watch, whose events name the file that changed
 * (chokidar's `raw` event), and a folder created later is picked up by chokidar and admitted
 * against the budget first. The folders the target needs are admitted by the caller before this
 * starts; the `ignored` test keeps chokidar to exactly those plus new ones the budget allows.
 */
/**
 * Whether `p` is, right now, a real folder at `real` (its path with every symlink resolved must
 * be exactly that). The watcher never follows a symlink (docs/watcher.md): the Stats chokidar
 * hands to `ignored` cannot be trusted for this, because it lstats only the last component, so
 * `root/a/proc` is "a directory" once `root/a` is a symlink to `/` (chokidar re-reads the path
 * `a` from its fs.watch on the renamed folder's old inode when `a` is renamed and replaced).
 */
function isRealDirAt(p: string, real: string): boolean {
  try {
    const st = lstatSync(p)
    if (!st.isDirectory()) return false
    return realpathSync.native(p) === real
  } catch {
    return false
  }
}

/**
 * Watches one target with chokidar, folders only. chokidar's default watches every file as well
 * as every folder (one inotify watch each, 50,551 for a 50k-file tree; toolchain notes §7), so
 * files are ignored here: each folder holds one watch, whose events name the file that changed
 * (chokidar's `raw` event), and a folder created later is picked up by chokidar and admitted
 * against the budget first. The folders the target needs are admitted by the caller before this
 * starts; the `ignored` test keeps chokidar to exactly those plus new ones the budget allows, and
 * only to real folders under the root: a path that is or goes through a symlink, or resolves
 * outside the root, is never watched and never costs budget.
 */
export async function watchTree(target: WatchTarget, o: TreeWatchOptions): Promise<TreeWatch> {
  const root = target.path
  // The root as the OS resolves it (a tmp folder may sit under a symlink such as macOS's /tmp):
  // a folder below is real only if it resolves to the same relative path below this.
  let realRoot: string
  try {
    realRoot = realpathSync.native(root)
  } catch {
    realRoot = root
  }
  const realOf = (p: string): string => (p === root ? realRoot : join(realRoot, relative(root, p)))
  const isRealDir = (p: string): boolean => isRealDirAt(p, realOf(p))
  const ignored = (p: string, st?: Stats): boolean => {
    if (p === root) return false
    const level = levelBelow(root, p)
    if (level < 0) return true
    if (o.skipDir(p, basename(p), basename(dirname(p)))) return true
    // chokidar asks first without stats, then again once it has them; it also asks without
    // stats before reporting a removal, which must get through (the budget is released on it).
    if (!st) return false
    // Cheap and safe: what is not a folder by chokidar's lstat is not one by ours either.
    if (!st.isDirectory()) return true
    if (target.depth !== undefined && level > target.depth) return true
    // chokidar's Stats describe the last component only (see isRealDirAt): check it ourselves.
    if (!isRealDir(p)) return true
    if (o.budget.admitOne(o.owner, p)) return false
    o.onOverflow(p)
    return true
  }
  // Loaded on first use: every other command of the shells that bundle core does without it.
  const { watch } = await import('chokidar')
  const w = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    ignorePermissionErrors: true,
    atomic: false,
    awaitWriteFinish: false,
    depth: target.depth,
    ignored,
  })
  /**
   * A watched folder that is no longer a real folder at its path (deleted, renamed, or replaced
   * by a symlink) is given up: its budget released and chokidar's watches on it and below closed.
   * followSymlinks: false does not cover a folder renamed and replaced by a symlink: chokidar's
   * fs.watch stays on the renamed folder's inode and re-reads the old path on its events, which
   * now lists the link's target. The caller rescans the parent on the event (onTouch).
   */
  const giveUp = (dir: string): void => {
    if (dir === root || !o.budget.has(dir) || isRealDir(dir)) return
    o.budget.releaseTree(o.owner, dir)
    // chokidar's own removal (closes the watchers of `dir` and those below it); it reports
    // unlinkDir, which lands in the handler below and finds nothing more to release.
    w._remove(dirname(dir), basename(dir), true)
  }
  w.on('raw', (_event, name: string | null, details: unknown) => {
    // fs.watch on a folder names the entry that changed; chokidar passes the folder along.
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath
    if (typeof dir !== 'string') return
    const path = name ? join(dir, name) : dir
    o.onTouch(path)
    // The entry named may be a watched folder just replaced; the watched folder itself may be
    // one whose old inode (now renamed) is still watched.
    giveUp(path)
    giveUp(dir)
  })
  w.on('unlinkDir', (p: string) => {
    // chokidar also reports a watched `/` as unlinked (seen on Linux with depth 0) while it
    // keeps its watch: the budget is given back only for a folder that really is gone (or is
    // no longer a real folder), or it would count fewer watches than the process holds.
    if (!isRealDir(p)) o.budget.releaseTree(o.owner, p)
  })
  w.on('error', (e: unknown) => o.onError(e instanceof Error ? e : new Error(String(e))))
  await new Promise<void>((resolve) => w.once('ready', () => resolve()))
  return {
    async close() {
      await w.close()
      o.budget.releaseOwner(o.owner)
    },
  }
}
