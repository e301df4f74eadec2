import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import type {
  DiscoveryContext,
  FileAnalyzer,
  Locator,
  Platform,
  SocketsPort,
  SystemInfoPort,
} from '../discovery/types'
import type { InventoryWriter } from '../storage/inventory-writer'
import type { ScanStore } from '../storage/scan-store'
import type {
  NewAsset,
  NewFinding,
  ScanDelta,
  ScanProgress,
  ScanScope,
  ScanStats,
  SkippedEntry,
} from '../types'
import { hostInfo } from './host'
import type { SecretScanner, SecretsPass } from './integrations'
import { createSecretScanner, createSecretsPass } from './integrations'
import type { JobPool } from './job-pool'
import { createJobPool } from './job-pool'
import { createLongPathAliases } from './long-paths'
import type { ModelAnalyzer } from './analysis'
import { createModels } from './analysis/backend'
import { normaliseRoots } from './roots'
import type { ScanPlan } from './scope'
import { planScan } from './scope'
import { addModel } from './stages/models'
import type { Units } from './units'
import { createUnits, fileUnit } from './units'
import type { ReaddirFn } from './walker'

export type ScanOptions = Readonly<{
  /** Home directory to treat as the user's (default: the real one). */
  home: string
  /** Extra roots; the home is always a root. */
  roots?: readonly string[]
  exclude?: readonly string[]
  /** What to scan (default: everything). See ScanScope. */
  scope?: ScanScope
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
  /**
   * The built model-analysis worker (`analysis-worker.js` beside the shell's bundle). With it,
   * model files are scanned in worker threads with a memory cap: a file that exhausts it or
   * throws becomes that file's finding, and cancelling stops a long parse at once. Without it
   * they are scanned on the scan's own thread.
   */
  analysisWorker?: string
}>

export type ScanHooks = Readonly<{
  signal?: AbortSignal
  onProgress?(p: ScanProgress): void
}>

export type ScanSummary = Readonly<{
  scanId: string
  status: 'complete' | 'interrupted'
  scope: ScanScope
  roots: readonly string[]
  stats: ScanStats
  /** What the scan changed in the inventory (empty for an interrupted scan). */
  delta: ScanDelta
}>

type MutableStats = { -readonly [K in keyof ScanStats]: ScanStats[K] }

/** The discovery modules, loaded only when a scan uses them (a crawl-only run does not). */
export type Discovery = Awaited<ReturnType<typeof loadDiscovery>>

/**
 * Everything one scan shares between its stages: the normalised options, the store's writer,
 * the claims locators made, the long-path aliases, the job pool and the progress counters.
 */
export type ScanSession = Readonly<{
  options: ScanOptions
  signal?: AbortSignal
  home: string
  roots: readonly string[]
  platform: Platform
  env: Readonly<Record<string, string | undefined>>
  hash: boolean
  plan: ScanPlan
  store: ScanStore
  writer: InventoryWriter
  stats: MutableStats
  discovery?: Discovery
  units: Units
  ctx: DiscoveryContext
  secretScanner: SecretScanner
  secretsPass: SecretsPass
  models: ModelAnalyzer
  jobs: JobPool
  claimedDirs: Set<string>
  claimedFiles: Set<string>
  isClaimed(p: string): boolean
  /** The real path of a path under a long-path alias. */
  real(p: string): string
  aliases: ReturnType<typeof createLongPathAliases>
  emitAsset(a: NewAsset): string
  emitFinding(f: NewFinding): void
  skip(s: SkippedEntry): void
  /**
   * A cloud placeholder (iCloud dataless, OneDrive/Dropbox files on demand) has a size but no
   * allocated blocks: reading it would start a download, so it is never opened. Recorded once.
   */
  isPlaceholder(path: string): boolean
  progress(force?: boolean): void
  setPhase(p: ScanProgress['phase']): void
  setCurrent(path: string | undefined): void
  t0: number
}>

export function emptyStats(): MutableStats {
  return {
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
  }
}

/**
 * Stage 1, session and roots: normalises the options, loads discovery, resolves the scope into
 * a plan (which locators run, what the crawl reads), and begins the scan in the store.
 */
export async function openSession(
  store: ScanStore,
  options: ScanOptions,
  hooks: ScanHooks,
): Promise<ScanSession> {
  const t0 = Date.now()
  const signal = hooks.signal
  const home = normaliseRoots([options.home])[0]!
  const roots = normaliseRoots([home, ...(options.roots ?? [])])
  const platform: Platform =
    options.platform ??
    (process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'win32' : 'linux')
  const discovery = options.crawlOnly ? undefined : await loadDiscovery()
  const env = discovery
    ? await discovery.resolveEnv(home, options.env ?? process.env)
    : (options.env ?? process.env)
  const hash = options.hash !== false
  const scope: ScanScope = options.scope ?? { kind: 'full' }
  const locators = options.crawlOnly ? [] : (options.locators ?? discovery?.LOCATORS ?? [])
  const plan = planScan(store.scopes, scope, { roots, locators })
  const writer = store.begin(hostInfo(), roots, { scope, coverPaths: plan.coverPaths })
  const stats = emptyStats()
  const secretScanner = createSecretScanner({ fingerprintKey: store.fingerprintKey })
  const secretsPass = createSecretsPass({
    fingerprintKey: store.fingerprintKey,
    home,
    scanner: secretScanner,
    memo: store.memo,
  })

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

  const claimedDirs = new Set<string>(plan.claims.dirs)
  const claimedFiles = new Set<string>(plan.claims.files)
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
  const units = createUnits(writer, real)
  const skip = (s: SkippedEntry): void => {
    writer.addSkipped(aliases.active() ? { ...s, path: real(s.path) } : s)
  }
  const emitFinding = (f: NewFinding): void => {
    writer.addFinding(aliases.active() ? { ...f, path: real(f.path) } : f, units.current())
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
      units.current(),
    )
  const models = await createModels(store, options, hash, signal, {
    onHashed: (n) => {
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
  const jobs = createJobPool({
    concurrency: 4,
    // A job's failure is its file's finding, never the scan's end (the analyses themselves
    // catch what they can; this is the last line).
    onError: (e, path) => emitFailure(path, e),
  })
  const emitFailure = (path: string | undefined, e: unknown): void => {
    if (path === undefined) {
      skip({ path: '?', reason: 'error', message: `analysis failed: ${String(e)}` })
      return
    }
    writer.addFinding(
      {
        ruleId: 'engine.analysis-failed',
        severity: 'medium',
        message: `Analysis of ${path} failed: ${(e as Error)?.message ?? String(e)}`,
        path: real(path),
      },
      fileUnit(real(path)),
    )
  }

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

  const session: ScanSession = {
    options,
    signal,
    home,
    roots,
    platform,
    env,
    hash,
    plan,
    store,
    writer,
    stats,
    discovery,
    units,
    ctx: undefined as unknown as DiscoveryContext,
    secretScanner,
    secretsPass,
    models,
    jobs,
    claimedDirs,
    claimedFiles,
    isClaimed,
    real,
    aliases,
    emitAsset,
    emitFinding,
    skip,
    isPlaceholder,
    progress,
    setPhase: (p) => {
      phase = p
    },
    setCurrent: (p) => {
      currentPath = p
    },
    t0,
  }
  ;(session as { ctx: DiscoveryContext }).ctx = discoveryContext(session)
  return session
}

function discoveryContext(s: ScanSession): DiscoveryContext {
  const o = s.options
  return {
    home: s.home,
    platform: s.platform,
    env: s.env,
    signal: s.signal,
    runVersionCommands: o.runVersionCommands === true,
    identifyServers: o.identifyServers === true,
    verifyDigests: o.verifyDigests === true,
    hash: s.hash,
    emitAsset: s.emitAsset,
    emitFinding: s.emitFinding,
    emitSkipped: s.skip,
    claimDir: (p) => {
      s.claimedDirs.add(p)
      s.units.claim(p, 'claim-dir')
    },
    claimFile: (p) => {
      s.claimedFiles.add(p)
      s.units.claim(p, 'claim-file')
    },
    isClaimed: s.isClaimed,
    addModel: (path, opts) => addModel(s, path, opts),
    secrets: s.secretScanner,
    memo: s.store.memo,
    // Production ports by default (systeminformation + nvidia-smi, /proc or lsof/netstat);
    // tests inject fakes.
    systemInfo: o.systemInfo ?? s.discovery?.createSystemInfoPort() ?? NO_SYSTEM_INFO,
    sockets: o.sockets ?? s.discovery?.createSocketsPort() ?? { listening: async () => [] },
  }
}

export async function loadDiscovery() {
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
