import type {
  FileAnalyzer,
  Locator,
  Platform,
  SocketsPort,
  SystemInfoPort,
} from '../discovery/types'
import type { ScanDelta, ScanProgress, ScanScope, ScanStats } from '../types'
import type { AnalysisLimits } from './analysis/pool'
import type { ReaddirFn } from './walker'

/** What a caller asks of one scan (the CLI's flags, the app's settings, tests' fakes). */
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
  /**
   * Commit model files of at least this many bytes whose SHA-256 is not known yet with their
   * verdict and the digest pending (`details.digestPending` on the asset, no `sha256`), listed
   * in the summary's `digestsPending`; a later scan of those paths without this option adds the
   * digests. The watcher's rescans use it, so a large download's verdict does not wait for a read
   * of the whole file. Default: every digest is computed before the commit.
   */
  deferDigestsFrom?: number
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
   * The crawl's side readers (tests and benchmarks): 0 reads on the scan's own thread only; a
   * number starts that many from the first folder. Default: chosen by the walk (walker/walk.ts).
   */
  walkHelpers?: number
  /**
   * The built model-analysis worker (`analysis-worker.js` beside the shell's bundle). With it,
   * model files are scanned in worker threads with a memory cap: a file that exhausts it or
   * throws becomes that file's finding, and cancelling stops a long parse at once. Without it
   * they are scanned on the scan's own thread.
   */
  analysisWorker?: string
  /** Heap cap, time limit and thread count of the analysis workers (defaults: see pool.ts). */
  analysisLimits?: AnalysisLimits
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
  /** Files committed with their digest pending (see `deferDigestsFrom`), when any. */
  digestsPending?: readonly string[]
}>
