import { lstatSync } from 'node:fs'
import { basename, relative, sep } from 'node:path'
import picomatch from 'picomatch'
import type { FileAnalyzer } from '../../discovery/types'
import { MODEL_EXTENSIONS } from '../../scanners/registry'
import { secretFileKind, secretNameInterest } from '../integrations'
import {
  AI_CACHE_NAMES,
  CACHE_PARENT_NAMES,
  PRUNED_DIR_NAMES,
  PRUNED_PAIRS,
  pruneRule,
} from '../prune'
import type { ScanSession } from '../session'
import { fileUnit, secretsUnit } from '../units'
import { walk } from '../walker'
import type { FileInterest, SubtreeRules } from '../walker'
import { crawlModel } from './models'
import { analyzeSecrets } from './secrets'

type Classifier = Readonly<{
  onFile(path: string, name: string): void
  skipDir(path: string, name: string, parentName: string): boolean
  /**
   * The same decisions as data, for side readers that walk subtrees on their own; undefined when
   * they cannot be given as data (exclusion globs, which only the caller matches).
   */
  subtree: SubtreeRules | undefined
}>

/**
 * Stage 2b, crawl and classify: walks what the plan says (the roots, or the changed paths and the
 * files whose analyses depend on them) and hands each file to the analyses its name or content
 * calls for, as jobs on the session's pool: model candidates (stage 3), file analyzers, and the
 * secrets pass (stage 4). Returns when the walk is done; the jobs may still be running.
 */
export async function crawl(s: ScanSession): Promise<void> {
  const plan = s.plan.crawl
  if (plan.kind === 'none' && s.plan.files.length === 0) return
  const c = createClassifier(s)
  const tooLong: string[] = []
  const walkOpts = {
    signal: s.signal,
    readdir: s.options.readdir,
    platform: s.platform,
    skipDir: c.skipDir,
    onFile: c.onFile,
    onDir: () => {
      s.stats.dirsSeen++
    },
    onSkip: s.skip,
    onTooLong: (p: string) => tooLong.push(s.real(p)),
    shouldPause: () => s.jobs.saturated(),
    waitForDrain: () => s.jobs.drained(),
    helpers: s.options.walkHelpers,
    subtree: c.subtree,
  }
  if (plan.kind === 'roots') await walk(s.roots, walkOpts)
  else if (plan.kind === 'paths') {
    const dirs: string[] = []
    for (const p of plan.paths) {
      // A changed path above a root: the whole root is in scope.
      for (const r of s.roots) if (r !== p && isUnder(r, p)) dirs.push(r)
      const entry = scopeEntry(s, c, p)
      if (entry === 'dir') dirs.push(p)
      else if (entry === 'file') c.onFile(p, basename(p))
    }
    await walk([...new Set(dirs)], walkOpts)
  }
  for (const f of s.plan.files) if (scopeEntry(s, c, f) === 'file') c.onFile(f, basename(f))
  // Subtrees beyond PATH_MAX are walked through short symlink aliases where the OS allows it.
  while (tooLong.length && !s.signal?.aborted) {
    const dir = tooLong.shift()!
    const alias = s.aliases.alias(dir)
    if (alias === undefined) {
      s.skip({
        path: dir,
        reason: 'path-too-long',
        code: 'ENAMETOOLONG',
        message: 'Path longer than the operating system limit',
      })
      continue
    }
    // Paths under an alias are claimed and excluded by their real path, which only the caller
    // maps: no subtree readers here.
    await walk([alias], { ...walkOpts, subtree: undefined })
  }
}

const isUnder = (p: string, root: string): boolean =>
  p.startsWith(root.endsWith(sep) ? root : root + sep)

/**
 * Whether a scope path is something the full crawl would reach, and as what: it must lie in a
 * root, and no folder on the way down may be pruned, excluded, claimed or a symlink (the walk
 * follows none). A regular file is classified, a folder walked; anything else is left alone.
 */
function scopeEntry(s: ScanSession, c: Classifier, p: string): 'file' | 'dir' | undefined {
  const root = s.roots.find((r) => p === r || isUnder(p, r))
  if (root === undefined) return undefined
  let st
  try {
    st = lstatSync(p)
  } catch {
    return undefined
  }
  if (p === root) return st.isDirectory() ? 'dir' : undefined
  const parts = relative(root, p).split(sep)
  let dir = root
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!
    const path = dir.endsWith(sep) ? dir + name : dir + sep + name
    const last = i === parts.length - 1
    if (!last || st.isDirectory()) {
      if (c.skipDir(path, name, basename(dir))) return undefined
      if (!last) {
        try {
          if (!lstatSync(path).isDirectory()) return undefined
        } catch {
          return undefined
        }
      }
    }
    dir = path
  }
  if (st.isDirectory()) return 'dir'
  return st.isFile() ? 'file' : undefined
}

function createClassifier(s: ScanSession): Classifier {
  const o = s.options
  const analyzers = o.crawlOnly ? [] : (o.analyzers ?? s.discovery?.FILE_ANALYZERS ?? [])
  const secretsOn = !o.crawlOnly
  const byName = new Map<string, FileAnalyzer[]>()
  const byExt = new Map<string, FileAnalyzer[]>()
  for (const a of analyzers) {
    for (const n of a.names ?? []) byName.set(n, [...(byName.get(n) ?? []), a])
    for (const x of a.extensions ?? []) byExt.set(x, [...(byExt.get(x) ?? []), a])
  }
  const exclude = o.exclude ?? []
  const excluded = exclude.length
    ? picomatch([...exclude], { dot: true, matchBase: false })
    : undefined
  const excludedBase = exclude.filter((g) => !g.includes('/'))
  const excludedBaseMatch = excludedBase.length ? picomatch(excludedBase, { dot: true }) : undefined
  const isExcluded = (p: string, name: string): boolean =>
    (excluded?.(p) ?? false) || (excludedBaseMatch?.(name) ?? false)
  const pruned: Record<string, number> = {}
  s.stats.pruned = pruned
  s.stats.prunedDirs = 0
  const count = (rule: string): true => {
    pruned[rule] = (pruned[rule] ?? 0) + 1
    s.stats.prunedDirs = (s.stats.prunedDirs ?? 0) + 1
    return true
  }

  const onFile = (path: string, name: string): void => {
    s.stats.filesSeen++
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 ? name.slice(dot).toLowerCase() : ''
    const analyzersFor = byName.get(name) ?? byExt.get(ext)
    const modelCandidate = !analyzersFor && (ext === '' || MODEL_EXTENSIONS.has(ext))
    // Jupyter checkpoint copies of notebooks are read by the notebook analyzer (linked to the
    // notebook), so the secrets pass does not report the same key twice; checkpoints of other
    // files (a config edited in JupyterLab) are the pass's like any file.
    let kind =
      secretsOn && !(ext === '.ipynb' && path.includes('.ipynb_checkpoints'))
        ? secretFileKind(path, s.home)
        : undefined
    if (kind === 'source' && !o.scanSource) kind = undefined
    // Most files are none of these: they cost a name lookup, nothing more.
    if (!analyzersFor && !modelCandidate && !kind) {
      s.progress()
      return
    }
    const real = s.real(path)
    if (isExcluded(real, name) || s.claimedFiles.has(path)) return
    const unit = fileUnit(real)
    if (analyzersFor) {
      s.stats.candidates++
      for (const a of analyzersFor) {
        if (a.accepts && !a.accepts(path)) continue
        s.jobs.push(
          () =>
            s.units.run(unit, async () => {
              s.setCurrent(path)
              if (s.isPlaceholder(path)) return
              await a.analyze(path, s.ctx)
            }),
          real,
        )
      }
    }
    // Content decides: files with a model extension, and extension-less files (Ollama and HF
    // blobs, `weights`, renamed pickles), are sniffed; a binary model format found there is
    // scanned and the missing extension reported.
    if (modelCandidate) {
      s.stats.candidates++
      s.jobs.push(() => s.units.run(unit, () => crawlModel(s, path)), real)
    }
    if (kind) {
      s.stats.candidates++
      const k = kind
      s.jobs.push(() => s.units.run(secretsUnit(real), () => analyzeSecrets(s, path, k)), real)
    }
    s.progress()
  }

  const skipDir = (p: string, name: string, parentName: string): boolean => {
    const rule = pruneRule(name, parentName)
    if (rule !== undefined) return count(rule)
    const real = s.real(p)
    if (s.claimedDirs.has(real)) return count('claimed')
    if (isExcluded(real, name)) return count('excluded')
    return false
  }

  // Folders claimed once the walk has begun (an analysis of a file found earlier, such as a
  // Python environment's, claims a folder of it): the side readers started with the claims of the
  // start, so what they find under a later claim is dropped here.
  const claimedAtStart = [...s.claimedDirs]
  let late: string[] = []
  const claimedSince = (p: string): boolean => {
    if (s.claimedDirs.size !== claimedAtStart.length + late.length) {
      late = [...s.claimedDirs].slice(claimedAtStart.length)
    }
    for (const d of late) if (p === d || p.startsWith(d.endsWith(sep) ? d : d + sep)) return true
    return false
  }
  const subtree: SubtreeRules | undefined =
    exclude.length > 0
      ? undefined
      : {
          prunedNames: [...PRUNED_DIR_NAMES],
          cacheParents: [...CACHE_PARENT_NAMES],
          keptCacheNames: [...AI_CACHE_NAMES],
          prunedPairs: PRUNED_PAIRS,
          claimedDirs: claimedAtStart,
          claimedSince,
          files: fileInterest(byName, byExt, secretsOn, o.scanSource === true),
          counted(files, dirs, prunedBy) {
            s.stats.filesSeen += files
            s.stats.dirsSeen += dirs
            for (const [rule, n] of Object.entries(prunedBy)) {
              pruned[rule] = (pruned[rule] ?? 0) + n
              s.stats.prunedDirs = (s.stats.prunedDirs ?? 0) + n
            }
            s.progress()
          },
        }
  return { onFile, skipDir, subtree }
}

/**
 * Every file name `onFile` may act on: the analyzers' names and extensions, model candidates
 * (model extensions, and names without an extension), and the names the secrets pass reads.
 */
function fileInterest(
  byName: ReadonlyMap<string, unknown>,
  byExt: ReadonlyMap<string, unknown>,
  secretsOn: boolean,
  scanSource: boolean,
): FileInterest {
  const secrets = secretsOn
    ? secretNameInterest(scanSource)
    : { lowerNames: [], extensions: [], lowerPrefixes: [] }
  return {
    names: [...byName.keys()],
    lowerNames: secrets.lowerNames,
    extensions: [...new Set([...byExt.keys(), ...MODEL_EXTENSIONS, ...secrets.extensions])],
    lowerPrefixes: secrets.lowerPrefixes,
    noExtension: true,
  }
}
