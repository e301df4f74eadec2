import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

/** O_ACCMODE bits of the `flags:` line of /proc/<pid>/fdinfo/<fd> (octal): write-only or read-write. */
const O_ACCMODE = 0o3

/**
 * Whether some process holds `path` open for writing (Linux: the descriptors in /proc/<pid>/fd of
 * the processes this user may read, and their open flags). A copy throttled by the kernel's
 * writeback can go quiet for longer than the watcher's quiet time while its file is still open;
 * this keeps such a file waiting instead of scanning half of it. Undefined where it cannot be
 * told (no /proc): the quiet time alone decides there. Costs one readlink per open descriptor of
 * the user's processes, so the watcher asks only for large files.
 */
export function isOpenForWriting(path: string): boolean | undefined {
  if (process.platform !== 'linux') return undefined
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== path) continue
        const m = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1'))
        if (m && (parseInt(m[1]!, 8) & O_ACCMODE) !== 0) return true
      } catch {
        // The descriptor closed, or the process ended, while being looked at.
      }
    }
  }
  return false
}
