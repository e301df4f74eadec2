/**
 * The data types every side of AI Scout uses: the core library, the CLI, the Electron main and
 * renderer processes, the sync client and the server. A leaf module: it imports nothing, so any
 * layer may import it (core re-exports it from src/core/types.ts). Everything here is plain data
 * (JSON-serialisable) so it can cross the worker, IPC and sync boundaries unchanged.
 */

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s)
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min)
}

export const ASSET_KINDS = [
  'model',
  'dataset',
  'notebook',
  'secret',
  'tool',
  'app',
  'ide-extension',
  'mcp-server',
  'agent-config',
  'ai-platform',
  'python-environment',
  'package',
  'compute',
  'model-server',
] as const
export type AssetKind = (typeof ASSET_KINDS)[number]

/** Scalar-ish values allowed in asset details (kept JSON-friendly and flat enough for CSV). */
export type DetailValue =
  string | number | boolean | null | readonly DetailValue[] | { readonly [k: string]: DetailValue }
export type Details = Readonly<Record<string, DetailValue>>

/** A relation between two assets (a key used by an MCP server, a LoRA and its base model, ...). */
export type AssetLink = Readonly<{
  /** Asset id of the other end. */
  to: string
  relation: string
}>

/** What discovery / analyzers emit. The store assigns nothing: `id` is derived from kind + identity. */
export type NewAsset = Readonly<{
  kind: AssetKind
  /** Absolute path of the file or directory that represents the asset (or a pseudo path such as `gpu:0`). */
  path: string
  /**
   * What makes this asset the same asset across scans. Defaults to the path. Examples: an Ollama
   * `name:tag`, a secret's fingerprint + path + line, an extension id + its directory.
   */
  identity?: string
  name?: string
  version?: string
  format?: string
  sha256?: string
  sizeBytes?: number
  /** Where it was found: a store or locator id (`ollama`, `huggingface-cache`, `crawl`, `claude-desktop`, ...). */
  source?: string
  /** Model scan verdict for model assets. */
  verdict?: Verdict
  details?: Details
  links?: readonly AssetLink[]
}>

export type Asset = NewAsset &
  Readonly<{
    id: string
    details: Details
    links: readonly AssetLink[]
  }>

export type NewFinding = Readonly<{
  ruleId: string
  /** Defaults to the rule table's severity. */
  severity?: Severity
  /** Defaults to the rule's title. */
  title?: string
  message: string
  path: string
  line?: number
  assetId?: string
  /** Archive member (`archive.zip` member path) for model findings. */
  member?: string
  /** Byte offset inside the file or member. */
  offset?: number
  /** The resolved callable for pickle-style findings, e.g. `os.system`. */
  callable?: string
}>

export type Finding = Readonly<{
  id: string
  ruleId: string
  severity: Severity
  title: string
  message: string
  path: string
  line?: number
  assetId?: string
  member?: string
  offset?: number
  callable?: string
}>

export const SKIP_REASONS = [
  'permission-denied',
  'privacy-protected',
  'path-too-long',
  'symlink-loop',
  'vanished',
  'unreadable-name',
  'cloud-placeholder',
  'too-large',
  'unreadable',
  'excluded',
  'not-a-directory',
  'not-a-regular-file',
  'cancelled',
  'error',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

export type SkippedEntry = Readonly<{
  path: string
  reason: SkipReason
  /** errno code when there is one (EACCES, ENAMETOOLONG, ...). */
  code?: string
  message: string
}>

export type Verdict = 'malicious' | 'suspicious' | 'safe' | 'invalid'

export type HostInfo = Readonly<{
  hostname: string
  platform: string
  arch: string
  osRelease: string
  user: string
}>

export type ScanStats = Readonly<{
  filesSeen: number
  dirsSeen: number
  candidates: number
  bytesHashed: number
  filesHashed: number
  hashCacheHits: number
  /** Model files whose static scan report was reused from the cache (unchanged identity). */
  scanCacheHits?: number
  /**
   * Model files committed with their verdict and their SHA-256 pending (the watcher's rescans
   * of large files): a follow-up scan adds the digests.
   */
  digestsPending?: number
  modelsScanned: number
  assets: number
  findings: number
  skipped: number
  durationMs: number
  /** Known locations the locators probed (distinct paths stat'ed, read, listed or claimed). */
  locationsChecked?: number
  /** Folders the crawl did not enter, in all ... */
  prunedDirs?: number
  /** ... and by rule: a pruned name (`node_modules`), `cache`, `trash`, `claimed`, `excluded`. */
  pruned?: Readonly<Record<string, number>>
}>

export type ScanPhase = 'locating' | 'crawling' | 'analyzing' | 'hashing' | 'storing' | 'done'

export type ScanProgress = Readonly<{
  phase: ScanPhase
  filesSeen: number
  dirsSeen: number
  bytesHashed: number
  assets: number
  findings: number
  currentPath?: string
}>

export type ScanStatus = 'running' | 'complete' | 'interrupted' | 'failed'

/** One scan as the inventory records it (the `scan` object of the JSON export). */
export type ScanMeta = Readonly<{
  id: string
  startedAt: string
  finishedAt?: string
  status: ScanStatus
  roots: readonly string[]
  stats: ScanStats
}>

/**
 * What a scan covers. `full`: every root and every known location (the default); the inventory
 * afterwards is exactly what the scan found. `paths`: files or folders that changed (created,
 * modified or deleted): the crawl reads only those, and every unit of work that claimed or read a
 * path there (a store locator, a config file's reader, a notebook that links to a cached model)
 * runs again. `locators`: the named locators run again, and nothing else. A scoped scan replaces
 * only what the units it ran emitted before.
 */
export type ScanScope =
  | Readonly<{ kind: 'full' }>
  | Readonly<{ kind: 'paths'; paths: readonly string[] }>
  | Readonly<{ kind: 'locators'; ids: readonly string[] }>

/** What one scan changed in the inventory (asset and finding ids), as its change-log rows say. */
export type ScanDelta = Readonly<{
  assets: Readonly<{
    added: readonly string[]
    changed: readonly string[]
    gone: readonly string[]
  }>
  findings: Readonly<{
    opened: readonly string[]
    changed: readonly string[]
    resolved: readonly string[]
  }>
  /** Change-log sequence numbers of this scan's rows (absent when it changed nothing). */
  seq?: Readonly<{ first: number; last: number }>
}>

export const ASSET_CHANGES = ['added', 'changed', 'gone'] as const
export const FINDING_CHANGES = ['opened', 'changed', 'resolved'] as const
export type AssetChangeKind = (typeof ASSET_CHANGES)[number]
export type FindingChangeKind = (typeof FINDING_CHANGES)[number]
