import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

/**
 * The inotify watches this process holds, as the kernel counts them: one `inotify wd:` line per
 * watch in /proc/self/fdinfo/<fd> of every inotify descriptor. Watches are a per-user resource
 * shared by every process of the user (fs.inotify.max_user_watches), so this is the figure the
 * watcher's budget promises to keep. Undefined where there is no /proc (macOS, Windows), where
 * Node's fs.watch does not use inotify.
 */
export function countInotifyWatches(): number | undefined {
  if (process.platform !== 'linux') return undefined
  let fds: string[]
  try {
    fds = readdirSync('/proc/self/fd')
  } catch {
    return undefined
  }
  let n = 0
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1')
      for (let i = info.indexOf('inotify wd:'); i >= 0; i = info.indexOf('inotify wd:', i + 1)) n++
    } catch {
      // The descriptor was closed between the listing and the read (readdir's own fd, a watcher
      // closing): it holds no watch any more.
    }
  }
  return n
}

/** The per-user limits of inotify (Linux), for the status line and the log. */
export function inotifyLimits(): Readonly<{ maxUserWatches?: number }> {
  if (process.platform !== 'linux') return {}
  try {
    return {
      maxUserWatches: Number(
        readFileSync('/proc/sys/fs/inotify/max_user_watches', 'latin1').trim(),
      ),
    }
  } catch {
    return {}
  }
}
