import type { Stats } from 'node:fs'
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
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
export async function watchTree(target: WatchTarget, o: TreeWatchOptions): Promise<TreeWatch> {
  const root = target.path
  const ignored = (p: string, st?: Stats): boolean => {
    if (p === root) return false
    const level = levelBelow(root, p)
    if (level < 0) return true
    if (o.skipDir(p, basename(p), basename(dirname(p)))) return true
    // chokidar asks first without stats, then again once it has them.
    if (!st) return false
    if (!st.isDirectory()) return true
    if (target.depth !== undefined && level > target.depth) return true
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
  w.on('raw', (_event, name: string | null, details: unknown) => {
    // fs.watch on a folder names the entry that changed; chokidar passes the folder along.
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath
    if (typeof dir !== 'string') return
    o.onTouch(name ? join(dir, name) : dir)
  })
  w.on('unlinkDir', (p: string) => {
    // chokidar also reports a watched `/` as unlinked (seen on Linux with depth 0) while it
    // keeps its watch: the budget is given back only for a folder that really is gone, or it
    // would count fewer watches than the process holds.
    if (!existsSync(p)) o.budget.releaseTree(o.owner, p)
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
