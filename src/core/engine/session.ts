import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { DiscoveryContext, Platform } from '../discovery/types'
import type { InventoryWriter } from '../storage/inventory-writer'
import type { ScanStore } from '../storage/scan-store'
import type {
  NewAsset,
  NewFinding,
  ScanProgress,
  ScanScope,
  ScanStats,
  SkippedEntry,
} from '../types'
import { hostInfo } from './host'
import type { SecretScanner, SecretsPass } from './integrations'
import { createSecretScanner, createSecretsPass } from './integrations'
import { scrubDetails, scrubText } from '../secrets/scrub'
import type { JobPool } from './job-pool'
import { createJobPool } from './job-pool'
import { createLongPathAliases } from './long-paths'
import type { ModelAnalyzer } from './analysis'
import { createModels } from './analysis/backend'
import { normaliseRoots } from './roots'
import type { ScanPlan } from './scope'
import { planScan } from './scope'
import { discoveryContext, loadDiscovery } from './context'
import type { ScanHooks, ScanOptions } from './options'
import type { Units } from './units'
import { createUnits, fileUnit } from './units'

export type { ScanHooks, ScanOptions, ScanSummary } from './options'

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
  /** Model files whose SHA-256 was deferred (ScanOptions.deferDigestsFrom). */
  digestsPending: string[]
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

  const { progress, setPhase, setCurrent } = createProgress(hooks, writer, stats)
  const claims = createClaims(plan)
  // Paths under a long-path alias are recorded with their real (over-PATH_MAX) path.
  const aliases = createLongPathAliases()
  const real = (p: string): string => aliases.toReal(p)
  const units = createUnits(writer, real)
  const emit = createEmitters(writer, units, aliases)
  const digestsPending: string[] = []
  const models = await createModels(store, options, hash, signal, {
    onDeferred: (p) => digestsPending.push(real(p)),
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
    signal,
    // A job's failure is its file's finding, never the scan's end (the analyses themselves
    // catch what they can; this is the last line).
    onError: (e, path) => emit.failure(path, e),
  })

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
    digestsPending,
    jobs,
    ...claims,
    real,
    aliases,
    emitAsset: emit.asset,
    emitFinding: emit.finding,
    skip: emit.skip,
    isPlaceholder: createPlaceholderCheck(platform, emit.skip),
    progress,
    setPhase,
    setCurrent,
    t0,
  }
  ;(session as { ctx: DiscoveryContext }).ctx = discoveryContext(session)
  return session
}

/** Progress reports, at most every 100 ms unless forced (a phase change). */
function createProgress(
  hooks: ScanHooks,
  writer: InventoryWriter,
  stats: MutableStats,
): Pick<ScanSession, 'progress' | 'setPhase' | 'setCurrent'> {
  let last = 0
  let currentPath: string | undefined
  let phase: ScanProgress['phase'] = 'locating'
  return {
    progress(force = false) {
      if (!hooks.onProgress) return
      const now = Date.now()
      if (!force && now - last < 100) return
      last = now
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
    },
    setPhase: (p) => {
      phase = p
    },
    setCurrent: (p) => {
      currentPath = p
    },
  }
}

/** Claims of the units this scan does not run, plus those its locators make as they go. */
function createClaims(
  plan: ScanPlan,
): Pick<ScanSession, 'claimedDirs' | 'claimedFiles' | 'isClaimed'> {
  const claimedDirs = new Set<string>(plan.claims.dirs)
  const claimedFiles = new Set<string>(plan.claims.files)
  return {
    claimedDirs,
    claimedFiles,
    /** A path is claimed when it or any folder above it was claimed by a locator. */
    isClaimed(p) {
      if (claimedFiles.has(p)) return true
      for (let d = p; ;) {
        if (claimedDirs.has(d)) return true
        const up = dirname(d)
        if (up === d) return false
        d = up
      }
    },
  }
}

/**
 * Emitters into the writer: each asset and finding with the unit of work it belongs to, paths
 * under a long-path alias with their real path; a failed job as its file's finding.
 */
function createEmitters(
  writer: InventoryWriter,
  units: Units,
  aliases: ReturnType<typeof createLongPathAliases>,
) {
  const real = (p: string): string => aliases.toReal(p)
  const skip = (s: SkippedEntry): void => {
    writer.addSkipped(aliases.active() ? { ...s, path: real(s.path) } : s)
  }
  return {
    skip,
    finding(f: NewFinding): void {
      const message = scrubText(f.message)
      const scrubbed = message === f.message ? f : { ...f, message }
      writer.addFinding(
        aliases.active() ? { ...scrubbed, path: real(f.path) } : scrubbed,
        units.current(),
      )
    },
    asset(a: NewAsset): string {
      const scrubbed = scrubAsset(a)
      return writer.addAsset(
        aliases.active()
          ? {
              ...scrubbed,
              path: real(a.path),
              identity: a.identity === undefined ? undefined : real(a.identity),
            }
          : scrubbed,
        units.current(),
      )
    },
    failure(path: string | undefined, e: unknown): void {
      if (path === undefined) {
        skip({ path: '?', reason: 'error', message: `analysis failed: ${String(e)}` })
        return
      }
      writer.addFinding(
        {
          ruleId: 'engine.analysis-failed',
          severity: 'medium',
          message: scrubText(`Analysis of ${path} failed: ${(e as Error)?.message ?? String(e)}`),
          path: real(path),
        },
        fileUnit(real(path)),
      )
    },
  }
}

/**
 * An asset's name and details as the inventory keeps them: whatever an analyzer copied as plain
 * text (an argument list, a command, a URL, a description) with any credential in it replaced
 * (secrets/scrub.ts). Paths and identities are kept as they are: they locate the file.
 */
function scrubAsset(a: NewAsset): NewAsset {
  const name = a.name === undefined ? undefined : scrubText(a.name)
  const details = a.details === undefined ? undefined : scrubDetails(a.details)
  if (name === a.name && details === a.details) return a
  return { ...a, ...(name === undefined ? {} : { name }), ...(details ? { details } : {}) }
}

/**
 * A cloud placeholder (iCloud dataless, OneDrive/Dropbox files on demand) has a size but no
 * allocated blocks: reading it would start a download, so it is never opened. Recorded once.
 */
function createPlaceholderCheck(
  platform: Platform,
  skip: (s: SkippedEntry) => void,
): (path: string) => boolean {
  const seen = new Set<string>()
  return (path) => {
    if (seen.has(path)) return true
    try {
      const st = statSync(path)
      if (!(st.size > 0 && st.blocks === 0 && platform !== 'win32')) return false
    } catch {
      return false
    }
    seen.add(path)
    skip({
      path,
      reason: 'cloud-placeholder',
      message: 'Cloud placeholder (not downloaded): listed from metadata, not read',
    })
    return true
  }
}
