import type { SecretScanner } from '../secrets/index'
import type { FileMemo } from '../storage/file-memo'
import type { Details, NewAsset, NewFinding, SkippedEntry, Verdict } from '../types'

export type Platform = 'linux' | 'darwin' | 'win32'

/** Options for adding a model file found by a locator or the crawl. */
export type AddModelOptions = Readonly<{
  /** Store/locator id: `ollama`, `huggingface-cache`, `lm-studio`, `crawl`, ... */
  source: string
  name?: string
  version?: string
  /** Identity for the asset (defaults to the path), e.g. `ollama:llama3:8b`. */
  identity?: string
  /** Digest known by construction (HF LFS blob name, Ollama `sha256-<hex>` blob): recorded without rereading unless verification is asked for. */
  knownSha256?: string
  /**
   * The file's real name when the path is a content-addressed blob (HF `blobs/<sha>`): scanners
   * that recognise files by name (tokenizer_config.json, chat_template.jinja) and the extension
   * check use it.
   */
  fileName?: string
  details?: Details
  links?: NewAsset['links']
}>

/** A file scanned as one part of a multi-file model or dataset (a Hugging Face repo's weights). */
export type ModelPartOptions = Pick<AddModelOptions, 'knownSha256' | 'fileName'>

/**
 * What a part's scan found: everything a model file's asset would carry, but no asset is emitted.
 * The caller records the part in its model's details and reports the findings on that model.
 */
export type ScannedPart = Readonly<{
  verdict: Verdict
  format: string
  sha256?: string
  sizeBytes?: number
  metadata?: Readonly<Record<string, unknown>>
  findings: readonly Omit<NewFinding, 'path' | 'assetId'>[]
}>

export type AddedModel = Readonly<{
  assetId: string
  verdict: Verdict
  format: string
  sha256?: string
  sizeBytes?: number
  metadata?: Readonly<Record<string, unknown>>
}>

/** A process-independent view of system facts (injected in tests; systeminformation in production). */
export type SystemInfoPort = Readonly<{
  graphics(): Promise<{
    controllers: ReadonlyArray<{
      vendor?: string
      model?: string
      vram?: number | null
      driverVersion?: string
      bus?: string
    }>
  }>
  cpu(): Promise<{ manufacturer?: string; brand?: string; cores?: number; physicalCores?: number }>
  mem(): Promise<{ total: number }>
  osInfo(): Promise<{ platform?: string; distro?: string; release?: string; arch?: string }>
}>

/** A listening socket (read from /proc/net/tcp, lsof or netstat; injected in tests). */
export type ListeningSocket = Readonly<{
  address: string
  port: number
  pid?: number
  process?: string
  commandLine?: string
}>

export type SocketsPort = Readonly<{ listening(): Promise<readonly ListeningSocket[]> }>

/**
 * What every locator and file analyzer gets. All paths are absolute. Everything emitted is
 * streamed to the store; nothing here prints.
 */
export type DiscoveryContext = Readonly<{
  /** The home directory being scanned (`--home` or the real one). */
  home: string
  platform: Platform
  /** Process env merged with variables exported in the user's shell rc files (rc values lose to a real env var). */
  env: Readonly<Record<string, string | undefined>>
  signal?: AbortSignal
  /** `--run-versions`: running `tool --version` (with a timeout, no stdin) is allowed. Off by default. */
  runVersionCommands: boolean
  /** `--identify-servers`: one loopback request may identify a local model server. Off by default. */
  identifyServers: boolean
  /** Verify digests known by construction (HF blob names, Ollama blobs) by rehashing. */
  verifyDigests: boolean
  /** Whether to hash model files at all (`--no-hash` turns it off). */
  hash: boolean
  emitAsset(asset: NewAsset): string
  emitFinding(finding: NewFinding): void
  emitSkipped(entry: SkippedEntry): void
  /** The crawl will not descend into this directory (a store locator handled it). */
  claimDir(path: string): void
  /** The crawl will not analyze this file again. */
  claimFile(path: string): void
  isClaimed(path: string): boolean
  /** Scans (statically), hashes (with the cache) and records a model file; returns its asset id and verdict. */
  addModel(path: string, opts: AddModelOptions): Promise<AddedModel>
  /**
   * Scans and hashes a file like addModel, for a model made of several files: no asset is
   * emitted for the file itself (it is one of its model's parts).
   */
  scanModelPart(path: string, opts: ModelPartOptions): Promise<ScannedPart>
  secrets: SecretScanner
  /** What analyses derived from unchanged files in earlier scans (they are then not reread). */
  memo: FileMemo
  systemInfo: SystemInfoPort
  sockets: SocketsPort
}>

/** One locator per tool / store / config family, listed in an explicit ordered array. */
export type Locator = Readonly<{
  id: string
  title: string
  /**
   * Claims no paths and reads nothing the crawl writes (system probes: GPUs, listening sockets),
   * so it runs beside the other locators and the crawl instead of before them: its waiting on
   * child processes and sockets then costs a scan no wall time.
   */
  besideCrawl?: boolean
  locate(ctx: DiscoveryContext): Promise<void>
}>

/**
 * A file analyzer the crawl dispatches to by exact base name or extension (Map lookups on the
 * hot path, never a loop over analyzers per file).
 */
export type FileAnalyzer = Readonly<{
  id: string
  /** Exact base names (case-sensitive), e.g. `.mcp.json`, `CLAUDE.md`, `pyvenv.cfg`. */
  names?: readonly string[]
  /** Lower-case extensions with dot, e.g. `.ipynb`. */
  extensions?: readonly string[]
  /** Optional finer test on the full path once a name/extension matched. */
  accepts?(path: string): boolean
  analyze(path: string, ctx: DiscoveryContext): Promise<void>
}>

export type { NewAsset, NewFinding }
