/**
 * Inputs and outputs of the inventory query layer (src/core/query): plain, JSON-serialisable
 * data, so a worker can answer a renderer or a dashboard without reshaping anything. Leaf module:
 * imports only the shared data types.
 */
import type { Asset, AssetKind, Finding, ScanMeta, Severity, Verdict } from './types'

export const ASSET_STATUSES = ['present', 'gone'] as const
export type AssetStatus = (typeof ASSET_STATUSES)[number]

/**
 * Finding statuses the store records. Filters take a list of them, so a new status (accepted
 * risk) is one more entry here and in the store's CHECK constraint; no query changes.
 */
export const FINDING_STATUSES = ['open', 'resolved'] as const
export type FindingStatus = (typeof FINDING_STATUSES)[number]

export type SortDirection = 'asc' | 'desc'

/** `name` is the asset's name, or its path when it has none (case-insensitive). */
export const ASSET_SORT_KEYS = ['name', 'kind', 'path', 'size', 'firstSeen'] as const
export type AssetSortKey = (typeof ASSET_SORT_KEYS)[number]

/** `severity` descending is most severe first, newest first within a severity. */
export const FINDING_SORT_KEYS = ['severity', 'firstSeen', 'path', 'rule'] as const
export type FindingSortKey = (typeof FINDING_SORT_KEYS)[number]

/**
 * Free text: the words of `text` (letters and digits; everything else separates words) must
 * all occur, each as the start of a word, in the asset's name, path, SHA-256 or key
 * fingerprint (findings: rule id, message, path). Case and accents are ignored; words of
 * one character are left out, and text without a longer word matches nothing.
 */
export type AssetFilter = Readonly<{
  kinds?: readonly AssetKind[]
  /** Where it was found: `ollama`, `huggingface-cache`, `crawl`, a locator id, ... */
  sources?: readonly string[]
  verdicts?: readonly Verdict[]
  /** Default: `['present']`. */
  statuses?: readonly AssetStatus[]
  text?: string
}>

export type FindingFilter = Readonly<{
  severities?: readonly Severity[]
  /** Default: `['open']`. */
  statuses?: readonly FindingStatus[]
  ruleIds?: readonly string[]
  /** The kind, source and verdict of the asset the finding is about. */
  kinds?: readonly AssetKind[]
  sources?: readonly string[]
  verdicts?: readonly Verdict[]
  /** Only findings about this asset. */
  assetId?: string
  text?: string
}>

export type PageRequest<K extends string> = Readonly<{
  sort?: Readonly<{ key: K; direction?: SortDirection }>
  /** Rows per page: default 100, at most 1000. */
  limit?: number
  /** `nextCursor` of the previous page (opaque; valid only with the same sort). */
  cursor?: string
}>

export type AssetQuery = AssetFilter & PageRequest<AssetSortKey>
export type FindingQuery = FindingFilter & PageRequest<FindingSortKey>

export type Page<T> = Readonly<{
  items: readonly T[]
  /** Absent on the last page. */
  nextCursor?: string
}>

/** An asset as the inventory holds it now, with its open findings summed up. */
export type AssetRow = Asset &
  Readonly<{
    status: AssetStatus
    firstSeenScan: string
    lastSeenScan: string
    goneSince?: string
    openFindings: number
    /** The most severe open finding's severity. */
    maxSeverity?: Severity
  }>

/** The few fields of an asset that a finding row or a link shows. */
export type AssetRef = Readonly<{
  id: string
  kind: AssetKind
  name?: string
  path: string
  status: AssetStatus
}>

export type FindingRow = Finding &
  Readonly<{
    status: FindingStatus
    firstSeenScan: string
    lastSeenScan: string
    asset?: AssetRef
  }>

/** One row of the rule table, as the UI shows it. */
export type RuleInfo = Readonly<{
  id: string
  severity: Severity
  title: string
  why: string
  fix: string
  cwe?: readonly number[]
  advisories?: readonly string[]
}>

export type LinkedAsset = Readonly<{
  /** `out`: this asset names the other; `in`: the other names this one. */
  direction: 'out' | 'in'
  relation: string
  id: string
  /** Absent when the linked id is not in the inventory. */
  asset?: AssetRef
}>

export type AssetDetail = Readonly<{
  asset: AssetRow
  /** Open findings first, most severe first; at most 500. */
  findings: readonly FindingRow[]
  findingsTotal: number
  links: readonly LinkedAsset[]
  /** True when more than 500 assets link to this one (the first 500 are listed). */
  linksTruncated: boolean
}>

export type FindingDetail = Readonly<{
  finding: FindingRow
  /** Absent for a rule id the table does not know (a finding from a newer version). */
  rule?: RuleInfo
  asset?: AssetRow
}>

export type ScanRecord = ScanMeta & Readonly<{ error?: string }>

export type Overview = Readonly<{
  /** The latest completed scan. */
  lastScan?: ScanRecord
  assetsByKind: Readonly<Partial<Record<AssetKind, number>>>
  totalAssets: number
  openFindingsBySeverity: Readonly<Partial<Record<Severity, number>>>
  totalOpenFindings: number
  /** Bytes of model files present, each distinct SHA-256 counted once. */
  modelStorageBytes: number
  /** The most severe open critical and high findings, newest first within a severity. */
  topFindings: readonly FindingRow[]
}>

export type DiffList<T> = Readonly<{ count: number; items: readonly T[] }>

/**
 * What changed in the inventory between two completed scans (after `from`, up to and including
 * `to`). `basis` says what it was computed from: the change log when it covers the span, else
 * (scans older than the log, or compacted away) each row's first and last scan, which cannot
 * see changed rows, nor rows that left and came back.
 */
export type ScanDiff = Readonly<{
  from: string
  to: string
  basis: 'change-log' | 'first-last-seen'
  assets: Readonly<{
    added: DiffList<AssetRef>
    removed: DiffList<AssetRef>
    changed: DiffList<AssetRef>
  }>
  findings: Readonly<{
    added: DiffList<FindingRow>
    removed: DiffList<FindingRow>
    changed: DiffList<FindingRow>
  }>
}>
