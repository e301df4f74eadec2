import picomatch from 'picomatch'

/**
 * A gitignore matcher for the common cases (gitignore(5)): comments, blank lines, `!` negation,
 * a leading or middle `/` anchoring the pattern to the file's directory, a trailing `/` matching
 * directories only, `*`, `?`, `[...]` and `**`. Patterns without a slash match the name at any
 * depth. A file inside an ignored directory stays ignored (git does not look inside it), so
 * negations cannot re-include it. The last matching pattern wins.
 */

type Pattern = Readonly<{
  negate: boolean
  dirOnly: boolean
  /** Directory (relative to the repo root, '' for the root) holding the .gitignore. */
  base: string
  test: (relToBase: string) => boolean
  basenameOnly: boolean
}>

export type IgnoreFile = Readonly<{ base: string; text: string }>

export function compileIgnore(file: IgnoreFile): Pattern[] {
  const out: Pattern[] = []
  for (const rawLine of file.text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, '')
    if (line === '' || line.startsWith('#')) continue
    let negate = false
    if (line.startsWith('!')) {
      negate = true
      line = line.slice(1)
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1)
    }
    let dirOnly = false
    if (line.endsWith('/')) {
      dirOnly = true
      line = line.slice(0, -1)
    }
    if (line === '') continue
    const anchored = line.includes('/')
    if (line.startsWith('/')) line = line.slice(1)
    const m = picomatch(line, { dot: true, nonegate: true, noextglob: true })
    out.push({ negate, dirOnly, base: file.base, test: (s) => m(s), basenameOnly: !anchored })
  }
  return out
}

function relTo(base: string, path: string): string | undefined {
  if (base === '') return path
  return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined
}

function decide(patterns: readonly Pattern[], path: string, isDir: boolean): boolean | undefined {
  let result: boolean | undefined
  const name = path.slice(path.lastIndexOf('/') + 1)
  for (const p of patterns) {
    if (p.dirOnly && !isDir) continue
    const rel = relTo(p.base, path)
    if (rel === undefined) continue
    if (p.basenameOnly ? p.test(name) : p.test(rel)) result = !p.negate
  }
  return result
}

/**
 * Is `relPath` (repo-relative, POSIX separators) ignored by `patterns` (in precedence order:
 * global excludes, info/exclude, then .gitignore files from the root down)?
 */
export function isIgnored(patterns: readonly Pattern[], relPath: string): boolean {
  const parts = relPath.split('/')
  for (let i = 1; i < parts.length; i++) {
    if (decide(patterns, parts.slice(0, i).join('/'), true) === true) return true
  }
  return decide(patterns, relPath, false) === true
}

export type { Pattern as IgnorePattern }
