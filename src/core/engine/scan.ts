import { statSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import picomatch from 'picomatch'
import type {
  AddModelOptions,
  AddedModel,
  DiscoveryContext,
  FileAnalyzer,
  Locator,
  Platform,
  SocketsPort,
  SystemInfoPort,
} from '../discovery/types'
import { classifyCandidate } from '../scanners/candidate'
import { MODEL_EXTENSIONS } from '../scanners/registry'
import type { Db } from '../storage/db'
import { createFileMemo } from '../storage/file-memo'
import { createHashCache } from '../storage/hash-cache'
import { beginScan, installationSecret } from '../storage/inventory-store'
import type { NewAsset, NewFinding, ScanProgress, ScanStats, SkippedEntry } from '../types'
import { hostInfo } from './host'
import { assetIdFor } from './asset-id'
import {
  createSecretScanner,
  createSecretsPass,
  scanEnvironment,
  secretAssetFromHit,
  secretFileKind,
} from './integrations'
import { createJobPool } from './job-pool'
import { addedModel, analyzeModelFile, modelRecords } from './model-files'
import { createLongPathAliases } from './long-paths'
import { isPrunedDir } from './prune'
import { normaliseRoots } from './roots'
import type { ReaddirFn } from './walker'
import { walk } from './walker'

export type ScanOptions = Readonly<{
  /** Home directory to treat as the user's (default: the real one). */
  home: string
  /** Extra roots; the home is always a root. */
  roots?: readonly string[]
  exclude?: readonly string[]
  /** Hash model files (default true; `--no-hash` turns it off). */
  hash?: boolean
  /** Rehash digests known by construction (HF blob names, Ollama blobs). */
  verifyDigests?: boolean
  runVersionCommands?: boolean
  /** Allow one loopback request to identify a local model server (`--identify-servers`). */
  identifyServers?: boolean
  /** Platform whose path tables the locators use (default: this OS). */
  platform?: Platform
  /** Environment for override resolution (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>
  systemInfo?: SystemInfoPort
  sockets?: SocketsPort
  /** Registries (tests may pass subsets). */
  locators?: readonly Locator[]
  analyzers?: readonly FileAnalyzer[]
  /**
   * Crawl and classify only: no locators, file analyzers, secrets pass or model scanners. Model
   * candidates are classified by their content (magic bytes, header shape) and recorded with the
   * coarse format found. Used by the crawl benchmark against fdfind.
   */
  crawlOnly?: boolean
  /**
   * Also read source files (`.py`, `.js`, `.ts`, …) for hard-coded keys (`--scan-source`). Off by
   * default: a home holds tens of thousands of them, and keys live mostly in the configs, env
   * files, histories and notebooks that are always read.
   */
  scanSource?: boolean
  /** Also look for AI keys in this process's environment variables (`--scan-env`). */
  scanEnvironment?: boolean
  /** Directory reader override (tests inject permission errors and races). */
  readdir?: ReaddirFn
}>

export type ScanHooks = Readonly<{
  signal?: AbortSignal
  onProgress?(p: ScanProgress): void
}>

export type ScanSummary = Readonly<{
  scanId: string
  status: 'complete' | 'interrupted'
  roots: readonly string[]
  stats: ScanStats
}>

const emptyStats = (): { -readonly [K in keyof ScanStats]: ScanStats[K] } => ({
  filesSeen: 0,
  dirsSeen: 0,
  candidates: 0,
  bytesHashed: 0,
  filesHashed: 0,
  hashCacheHits: 0,
  scanCacheHits: 0,
  modelsScanned: 0,
  assets: 0,
  findings: 0,
  skipped: 0,
  durationMs: 0,
})

/**
 * One scan: locators probe known places first, then the crawl walks the roots, classifies files
 * by content and hands them to the model scanners, analyzers and the secrets engine. Everything
 * is streamed into the store; the previous inventory is replaced only when the scan completes.
 */
export async function scan(
  db: Db,
  options: ScanOptions,
  hooks: ScanHooks = {},
): Promise<ScanSummary> {
  const t0 = Date.now()
  const signal = hooks.signal
  const home = normaliseRoots([options.home])[0]!
  const roots = normaliseRoots([home, ...(options.roots ?? [])])
  const platform: Platform =
    options.platform ??
    (process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'win32' : 'linux')
  // Discovery (every locator, analyzer and parser library) is loaded only when the scan uses it:
  // a crawl-only run does not pay for it.
  const discovery = options.crawlOnly ? undefined : await loadDiscovery()
  const env = discovery
    ? await discovery.resolveEnv(home, options.env ?? process.env)
    : (options.env ?? process.env)
  const hash = options.hash !== false
  const writer = beginScan(db, hostInfo(), roots)
  const cache = createHashCache(db)
  const stats = emptyStats()
  const fingerprintKey = installationSecret(db)
  const secretScanner = createSecretScanner({ fingerprintKey })
  const memo = createFileMemo(db)
  const secretsPass = createSecretsPass({ fingerprintKey, home, scanner: secretScanner, memo })

  let lastProgress = 0
  let currentPath: string | undefined
  let phase: ScanProgress['phase'] = 'locating'
  const progress = (force = false): void => {
    if (!hooks.onProgress) return
    const now = Date.now()
    if (!force && now - lastProgress < 100) return
    lastProgress = now
    const c = writer.counts()
    hooks.onProgress({
      phase,
      filesSeen: stats.filesSeen,
      dirsSeen: stats.dirsSeen,
      bytesHashed: stats.bytesHashed,
      assets: c.assets,
      findings: c.findings,
      currentPath,
    })
  }

  const claimedDirs = new Set<string>()
  const claimedFiles = new Set<string>()
  /** A path is claimed when it or any folder above it was claimed by a locator. */
  const isClaimed = (p: string): boolean => {
    if (claimedFiles.has(p)) return true
    for (let d = p; ;) {
      if (claimedDirs.has(d)) return true
      const up = dirname(d)
      if (up === d) return false
      d = up
    }
  }
  // Paths under a long-path alias are recorded with their real (over-PATH_MAX) path.
  const aliases = createLongPathAliases()
  const real = (p: string): string => aliases.toReal(p)
  const skip = (s: SkippedEntry): void => {
    writer.addSkipped(aliases.active() ? { ...s, path: real(s.path) } : s)
  }
  const emitFinding = (f: NewFinding): void => {
    writer.addFinding(aliases.active() ? { ...f, path: real(f.path) } : f)
  }
  const emitAsset = (a: NewAsset): string =>
    writer.addAsset(
      aliases.active()
        ? {
            ...a,
            path: real(a.path),
            identity: a.identity === undefined ? undefined : real(a.identity),
          }
        : a,
    )
  const modelOpts = (knownSha256?: string, fileName?: string) => ({
    hash,
    knownSha256,
    fileName,
    verify: options.verifyDigests === true,
    cache,
    signal,
    onHashed: (n: number) => {
      stats.bytesHashed += n
      progress()
    },
    onCacheHit: () => {
      stats.hashCacheHits++
    },
    onScanCacheHit: () => {
      stats.scanCacheHits = (stats.scanCacheHits ?? 0) + 1
    },
  })

  const addModel = async (path: string, o: AddModelOptions): Promise<AddedModel> => {
    claimedFiles.add(path)
    currentPath = path
    const report = await analyzeModelFile(path, modelOpts(o.knownSha256, o.fileName))
    stats.modelsScanned++
    if (report.sha256 && !o.knownSha256) stats.filesHashed++
    const records = modelRecords(path, report, o)
    const assetId = emitAsset(records.asset)
    for (const f of records.findings(assetId)) emitFinding(f)
    return addedModel(assetId, report)
  }

  const ctx: DiscoveryContext = {
    home,
    platform,
    env,
    signal,
    runVersionCommands: options.runVersionCommands === true,
    identifyServers: options.identifyServers === true,
    verifyDigests: options.verifyDigests === true,
    hash,
    emitAsset,
    emitFinding,
    emitSkipped: skip,
    claimDir: (p) => claimedDirs.add(p),
    claimFile: (p) => claimedFiles.add(p),
    isClaimed,
    addModel,
    secrets: secretScanner,
    memo,
    // Production ports by default (systeminformation + nvidia-smi, /proc or lsof/netstat);
    // tests inject fakes.
    systemInfo: options.systemInfo ?? discovery?.createSystemInfoPort() ?? NO_SYSTEM_INFO,
    sockets: options.sockets ?? discovery?.createSocketsPort() ?? { listening: async () => [] },
  }

  const runLocator = async (loc: Locator): Promise<void> => {
    try {
      await loc.locate(ctx)
    } catch (e) {
      skip({
        path: `locator:${loc.id}`,
        reason: 'error',
        message: `${loc.title}: ${(e as Error).message ?? String(e)}`,
      })
    }
  }
  const locators = options.crawlOnly ? [] : (options.locators ?? discovery?.LOCATORS ?? [])
  // System probes wait on child processes and sockets: they run beside everything else.
  const beside = Promise.allSettled(locators.filter((l) => l.besideCrawl).map(runLocator))

  try {
    // 1. Known locations first: stores claim their directories so the crawl skips them.
    for (const loc of locators) {
      if (signal?.aborted) break
      if (loc.besideCrawl) continue
      currentPath = loc.title
      progress()
      await runLocator(loc)
    }

    // 2. The crawl.
    phase = 'crawling'
    progress(true)
    const analyzers = options.crawlOnly
      ? []
      : (options.analyzers ?? discovery?.FILE_ANALYZERS ?? [])
    const secretsOn = !options.crawlOnly
    const byName = new Map<string, FileAnalyzer[]>()
    const byExt = new Map<string, FileAnalyzer[]>()
    for (const a of analyzers) {
      for (const n of a.names ?? []) byName.set(n, [...(byName.get(n) ?? []), a])
      for (const x of a.extensions ?? []) byExt.set(x, [...(byExt.get(x) ?? []), a])
    }
    const excluded = (options.exclude ?? []).length
      ? picomatch([...options.exclude!], { dot: true, matchBase: false })
      : undefined
    const excludedBase = (options.exclude ?? []).filter((g) => !g.includes('/'))
    const excludedBaseMatch = excludedBase.length
      ? picomatch(excludedBase, { dot: true })
      : undefined
    const isExcluded = (p: string, name: string): boolean =>
      (excluded?.(p) ?? false) || (excludedBaseMatch?.(name) ?? false)

    const pool = createJobPool({
      concurrency: 4,
      onError: (e) =>
        skip({
          path: currentPath ?? '?',
          reason: 'error',
          message: `analysis failed: ${(e as Error).message ?? String(e)}`,
        }),
    })

    const onFile = (path: string, name: string): void => {
      stats.filesSeen++
      const dot = name.lastIndexOf('.')
      const ext = dot > 0 ? name.slice(dot).toLowerCase() : ''
      const analyzersFor = byName.get(name) ?? byExt.get(ext)
      const modelCandidate = !analyzersFor && (ext === '' || MODEL_EXTENSIONS.has(ext))
      // Jupyter checkpoint copies are covered by the notebook analyzer (linked to the notebook),
      // so the secrets pass does not report the same key twice.
      let kind =
        secretsOn && !path.includes('.ipynb_checkpoints') ? secretFileKind(path, home) : undefined
      if (kind === 'source' && !options.scanSource) kind = undefined
      // Most files are none of these: they cost a name lookup, nothing more.
      if (!analyzersFor && !modelCandidate && !kind) {
        progress()
        return
      }
      if (isExcluded(real(path), name) || claimedFiles.has(path)) return
      if (analyzersFor) {
        stats.candidates++
        for (const a of analyzersFor) {
          if (a.accepts && !a.accepts(path)) continue
          pool.push(async () => {
            currentPath = path
            if (isPlaceholder(path)) return
            await a.analyze(path, ctx)
          })
        }
      }
      // Content decides: files with a model extension, and extension-less files (Ollama and HF
      // blobs, `weights`, renamed pickles), are sniffed; a binary model format found there is
      // scanned and the missing extension reported.
      if (modelCandidate) {
        stats.candidates++
        pool.push(() => crawlModel(path))
      }
      if (kind) {
        stats.candidates++
        pool.push(async () => {
          currentPath = path
          if (isPlaceholder(path)) return
          const r = await secretsPass.analyzeFile(path, kind)
          for (const sk of r.skipped) skip(sk)
          emitSecrets(r.assets, r.findings, r.findingAssets)
        })
      }
      progress()
    }

    /** Secret assets first, then findings linked to the exact asset the pass names. */
    const emitSecrets = (
      assets: readonly NewAsset[],
      findings: readonly NewFinding[],
      findingAssets: readonly (string | undefined)[],
    ): void => {
      for (const a of assets) emitAsset(a)
      findings.forEach((f, i) => {
        const identity = findingAssets[i]
        emitFinding(
          f.assetId || identity === undefined
            ? f
            : { ...f, assetId: assetIdFor('secret', real(identity)) },
        )
      })
    }

    /**
     * A cloud placeholder (iCloud dataless, OneDrive/Dropbox files on demand) has a size but no
     * allocated blocks: reading it would start a download, so it is never opened. Recorded once.
     */
    const placeholders = new Set<string>()
    const isPlaceholder = (path: string): boolean => {
      if (placeholders.has(path)) return true
      try {
        const st = statSync(path)
        if (!(st.size > 0 && st.blocks === 0 && platform !== 'win32')) return false
      } catch {
        return false
      }
      placeholders.add(path)
      skip({
        path,
        reason: 'cloud-placeholder',
        message: 'Cloud placeholder (not downloaded): listed from metadata, not read',
      })
      return true
    }

    /** Loose model files: content decides; a decoy (.pt text, random .bin) is not a model. */
    const crawlModel = async (path: string): Promise<void> => {
      currentPath = path
      // An analyzer or locator may have claimed the file after this job was queued.
      if (claimedFiles.has(path)) return
      let st
      try {
        st = statSync(path)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        skip({
          path,
          reason: code === 'ENOENT' ? 'vanished' : 'unreadable',
          code,
          message: `Cannot stat model candidate (${code})`,
        })
        return
      }
      if (isPlaceholder(path)) {
        emitAsset({
          kind: 'model',
          path,
          name: basename(path),
          sizeBytes: st.size,
          source: 'crawl',
          details: { cloudPlaceholder: true },
        })
        return
      }
      const sniffed = classifyCandidate(path, basename(path))
      if (sniffed.kind === 'unreadable') {
        skip({ path, reason: 'unreadable', message: 'Cannot read model candidate' })
        return
      }
      if (sniffed.kind === 'not-model') return
      if (sniffed.kind === 'unrecognised') {
        if (!options.crawlOnly)
          emitFinding({
            ruleId: 'model.unknown-format',
            message: 'Binary content under a model extension matches no known model format',
            path,
          })
        return
      }
      if (options.crawlOnly) {
        // Classified by content; the model scanners (measured by their own benchmarks) do not run.
        emitAsset({
          kind: 'model',
          path,
          name: basename(path),
          format: sniffed.format,
          sizeBytes: st.size,
          source: 'crawl',
        })
        return
      }
      const report = await analyzeModelFile(path, modelOpts())
      stats.modelsScanned++
      if (report.sha256) stats.filesHashed++
      if (
        report.verdict === 'invalid' &&
        !report.findings.some((f) => f.severity === 'critical' || f.severity === 'high')
      ) {
        // Not a usable model (truncated, corrupt): reported as an invalid file, not listed as a model.
        for (const f of report.findings) emitFinding({ ...f, path })
        return
      }
      const assetId = emitAsset({
        kind: 'model',
        path,
        name: basename(path),
        format: report.format,
        sha256: report.sha256,
        sizeBytes: report.sizeBytes,
        source: 'crawl',
        verdict: report.verdict,
        details: { ...(report.metadata ?? {}) },
      })
      for (const f of report.findings) emitFinding({ ...f, path, assetId })
    }

    const tooLong: string[] = []
    const walkOpts = {
      signal,
      readdir: options.readdir,
      platform,
      skipDir: (p: string, name: string, parentName: string) =>
        isPrunedDir(name, parentName) || claimedDirs.has(real(p)) || isExcluded(real(p), name),
      onFile,
      onDir: () => {
        stats.dirsSeen++
      },
      onSkip: skip,
      onTooLong: (p: string) => tooLong.push(real(p)),
      shouldPause: () => pool.saturated(),
      waitForDrain: () => pool.drained(),
    }
    await walk(roots, walkOpts)
    // Subtrees beyond PATH_MAX are walked through short symlink aliases where the OS allows it.
    while (tooLong.length && !signal?.aborted) {
      const dir = tooLong.shift()!
      const alias = aliases.alias(dir)
      if (alias === undefined) {
        skip({
          path: dir,
          reason: 'path-too-long',
          code: 'ENAMETOOLONG',
          message: 'Path longer than the operating system limit',
        })
        continue
      }
      await walk([alias], walkOpts)
    }
    phase = 'analyzing'
    progress(true)
    await pool.idle()
    await beside
    aliases.dispose()
    if (!signal?.aborted && secretsOn) {
      const end = secretsPass.finish()
      emitSecrets([], end.findings, end.findingAssets)
      if (options.scanEnvironment) {
        for (const hit of scanEnvironment(env, secretScanner)) {
          const path = hit.path ?? 'env'
          const assetId = emitAsset(secretAssetFromHit(hit, path, 'environment'))
          emitFinding({
            ruleId: hit.ruleId,
            severity: hit.severity,
            message: `${hit.provider} key in the environment variable ${path.replace(/^env:/, '')} (${hit.redacted})`,
            path,
            assetId,
          })
        }
      }
    }
    // Digests, reports and remembered analyses of this scan are kept even when it was cancelled.
    cache.flush()
    memo.flush()
  } catch (e) {
    aliases.dispose()
    // The system probes may still be emitting: let them finish before the scan is closed.
    await beside
    try {
      cache.flush()
      memo.flush()
    } catch {
      // The scan's own error is the one to report.
    }
    writer.abort('failed', (e as Error).message)
    throw e
  }

  if (signal?.aborted) {
    writer.abort('interrupted', 'cancelled')
    stats.durationMs = Date.now() - t0
    return { scanId: writer.scanId, status: 'interrupted', roots, stats }
  }
  phase = 'storing'
  progress(true)
  const c = writer.counts()
  stats.assets = c.assets
  stats.findings = c.findings
  stats.skipped = c.skipped
  stats.durationMs = Date.now() - t0
  writer.complete(stats)
  phase = 'done'
  progress(true)
  return { scanId: writer.scanId, status: 'complete', roots, stats }
}

async function loadDiscovery() {
  const [registry, envMod, sockets, systemInfo] = await Promise.all([
    import('../discovery/registry'),
    import('../discovery/env'),
    import('../discovery/system/sockets'),
    import('../discovery/system/system-info'),
  ])
  return {
    LOCATORS: registry.LOCATORS,
    FILE_ANALYZERS: registry.FILE_ANALYZERS,
    resolveEnv: envMod.resolveEnv,
    createSocketsPort: sockets.createSocketsPort,
    createSystemInfoPort: systemInfo.createSystemInfoPort,
  }
}

/** Used only by crawl-only runs, which run no locator. */
const NO_SYSTEM_INFO: SystemInfoPort = {
  graphics: async () => ({ controllers: [] }),
  cpu: async () => ({}),
  mem: async () => ({ total: 0 }),
  osInfo: async () => ({}),
}
