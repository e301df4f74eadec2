import { lstatSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { parseGitIndex } from './git-index'
import type { IgnorePattern } from './gitignore'
import { compileIgnore, isIgnored } from './gitignore'
import { observePath } from '../util/read-trace'
import { closeQuietly, openAndStat, readUpTo } from '../util/read-small'

/**
 * Git facts about a file, found statically (no git process): the enclosing working tree, whether
 * the index tracks the file, and whether the ignore rules cover it. Everything is cached per scan
 * and every read is bounded; any error means "unknown", never a throw.
 */

const MAX_INDEX_BYTES = 64 * 1024 * 1024
const MAX_SMALL_FILE = 256 * 1024

export type Repo = Readonly<{ root: string; gitDir: string }>

export type GitStatus = Readonly<{
  repo: Repo
  relPath: string
  /** undefined when the index could not be read. */
  tracked: boolean | undefined
  ignored: boolean
}>

// Most of the paths asked about (.git in every parent, .gitignore in every folder) do not exist:
// a synchronous stat that answers "missing" without an exception (throwIfNoEntry) is far cheaper
// than a rejected fs.promises call, which builds an error with its stack.
async function readSmall(path: string, max: number): Promise<Buffer | undefined> {
  let fd: number | undefined
  try {
    const pre = statSync(path, { throwIfNoEntry: false })
    if (!pre?.isFile() || pre.size > max) return undefined
    const opened = openAndStat(path)
    fd = opened.fd
    if (!opened.st.isFile() || opened.st.size > max) return undefined
    return await readUpTo(fd, opened.st.size)
  } catch {
    return undefined
  } finally {
    closeQuietly(fd)
  }
}

export type GitContext = Readonly<{ status(path: string): Promise<GitStatus | undefined> }>

export function createGitContext(home: string): GitContext {
  const repoOfDir = new Map<string, Promise<Repo | undefined>>()
  const indexOf = new Map<string, Promise<ReadonlySet<string> | undefined>>()
  const ignoreOfDir = new Map<string, Promise<IgnorePattern[]>>()

  const findRepo = (dir: string): Promise<Repo | undefined> => {
    let p = repoOfDir.get(dir)
    if (!p) {
      p = (async (): Promise<Repo | undefined> => {
        const dotGit = join(dir, '.git')
        try {
          const st = lstatSync(dotGit, { throwIfNoEntry: false })
          if (st?.isDirectory()) return { root: dir, gitDir: dotGit }
          if (st?.isFile()) {
            // Worktrees and submodules: `.git` is a file `gitdir: <path>`.
            const text = (await readSmall(dotGit, 4096))?.toString('utf8') ?? ''
            const m = /^gitdir:\s*(.+)$/m.exec(text)
            if (m?.[1]) {
              const g = m[1].trim()
              return { root: dir, gitDir: isAbsolute(g) ? g : resolve(dir, g) }
            }
          }
        } catch {
          // no .git here
        }
        const parent = dirname(dir)
        return parent === dir ? undefined : findRepo(parent)
      })()
      repoOfDir.set(dir, p)
    }
    return p
  }

  const trackedPaths = (gitDir: string): Promise<ReadonlySet<string> | undefined> => {
    let p = indexOf.get(gitDir)
    if (!p) {
      p = (async () => {
        const buf = await readSmall(join(gitDir, 'index'), MAX_INDEX_BYTES)
        if (!buf) return new Set<string>()
        const config = (await readSmall(join(gitDir, 'config'), MAX_SMALL_FILE))?.toString() ?? ''
        const sha256 = /objectformat\s*=\s*sha256/i.test(config)
        const r = parseGitIndex(buf, sha256 ? 32 : 20)
        return r.ok ? r.paths : undefined
      })()
      indexOf.set(gitDir, p)
    }
    return p
  }

  /** A worktree's gitdir names the shared repository dir (where info/exclude lives) in `commondir`. */
  const commonOf = new Map<string, Promise<string>>()
  const commonDir = (gitDir: string): Promise<string> => {
    let p = commonOf.get(gitDir)
    if (!p) {
      p = readSmall(join(gitDir, 'commondir'), 4096).then((b) => {
        const rel = b?.toString('utf8').trim()
        return rel ? resolve(gitDir, rel) : gitDir
      })
      commonOf.set(gitDir, p)
    }
    return p
  }

  /** Patterns of one ignore file, with `base` relative to the repo root. */
  const ignoreFile = (file: string, base: string): Promise<IgnorePattern[]> => {
    let p = ignoreOfDir.get(file)
    if (!p) {
      p = readSmall(file, MAX_SMALL_FILE).then((b) =>
        b ? compileIgnore({ base, text: b.toString('utf8') }) : [],
      )
      ignoreOfDir.set(file, p)
    }
    return p
  }

  /**
   * Tells the current unit of work which files its answer rests on: the `.git` looked for in
   * every folder up to the repository (or the file system root), the index, the ignore files.
   * Told on every call, cached or not, since each caller is its own unit.
   */
  const observeDeps = (path: string, repo: Repo | undefined, relPath: string): void => {
    for (let d = dirname(path); ; d = dirname(d)) {
      const found = repo !== undefined && d === repo.root
      observePath(join(d, '.git'), found ? 'read' : 'absent')
      if (found || dirname(d) === d) break
    }
    if (!repo) return
    observePath(join(repo.gitDir, 'index'), 'read')
    observePath(join(repo.gitDir, 'config'), 'read')
    observePath(join(repo.gitDir, 'info', 'exclude'), 'read')
    observePath(join(home, '.config', 'git', 'ignore'), 'read')
    const parts = relPath.split('/')
    for (let i = 0; i < parts.length; i++)
      observePath(join(repo.root, ...parts.slice(0, i), '.gitignore'), 'read')
  }

  return {
    async status(path) {
      try {
        const repo = await findRepo(dirname(path))
        const relPath = repo ? relative(repo.root, path).split(sep).join('/') : ''
        observeDeps(path, repo, relPath)
        if (!repo) return undefined
        if (relPath.startsWith('..')) return undefined
        const tracked = await trackedPaths(repo.gitDir)
        const patterns: IgnorePattern[] = [
          ...(await ignoreFile(join(home, '.config', 'git', 'ignore'), '')),
          ...(await ignoreFile(join(await commonDir(repo.gitDir), 'info', 'exclude'), '')),
        ]
        const parts = relPath.split('/')
        for (let i = 0; i < parts.length; i++) {
          const base = parts.slice(0, i).join('/')
          patterns.push(...(await ignoreFile(join(repo.root, base, '.gitignore'), base)))
        }
        return {
          repo,
          relPath,
          tracked: tracked ? tracked.has(relPath) : undefined,
          ignored: isIgnored(patterns, relPath),
        }
      } catch {
        return undefined
      }
    },
  }
}
