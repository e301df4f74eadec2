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

/**
 * `name` is the asset's name, or its path when it has none (case-insensitive); `format`,
 * `source` and `verdict` (worst first when descending) break ties by name; `findings` is the
 * number of open findings not under an accepted risk.
 */
export const ASSET_SORT_KEYS = [
  'name',
  'kind',
  'path',
  'size',
  'firstSeen',
  'format',
  'source',
  'verdict',
  'findings',
] as const
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
  /** Only assets with an open finding (not under an accepted risk) at least this severe. */
  minSeverity?: Severity
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
  /**
   * true: only findings under an accepted risk in force (not expired); false: only those not
   * (what "open" means to a user: accepted findings leave the open counts). Default: both.
   */
  accepted?: boolean
  text?: string
}>

export type PageRequest<K extends string> = Readonly<{
  sort?: Readonly<{ key: K; direction?: SortDirection }>
  /** Rows per page: default 100, at most 1000. */
  limit?: number
  /** `nextCursor` of the previous page (opaque; valid only with the same sort). */
  cursor?: string
  /**
   * Without a cursor: start at this row of the sorted result (a jump in a long list, such as a
   * scrollbar drag); paging continues by cursor from there. Costs a walk over the rows skipped.
   */
  offset?: number
}>

/**
 * When a query is judged: whether an accepted risk has expired depends on the time. Default:
 * now. Not part of a query's data, so no caller across a process boundary can set it.
 */
export type QueryOptions = Readonly<{ now?: Date }>

export type AssetQuery = AssetFilter & PageRequest<AssetSortKey>
export type FindingQuery = FindingFilter & PageRequest<FindingSortKey>

export type Page<T> = Readonly<{
  items: readonly T[]
  /** Absent on the last page. */
  nextCursor?: string
}>

/**
 * An asset as the inventory holds it now, with its open findings (those not under an accepted
 * risk in force) summed up.
 */
export type AssetRow = Asset &
  Readonly<{
    status: AssetStatus
    firstSeenScan: string
    lastSeenScan: string
    /** When the scans that first and last saw it started. */
    firstSeenAt?: string
    lastSeenAt?: string
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

/**
 * A user's acceptance of a finding's risk (src/core/storage/accepted-risks.ts) as queries return
 * it: also after it expired, when `expired` says the finding counts as open again.
 */
export type FindingAcceptance = Readonly<{
  findingId: string
  note: string
  acceptedBy: string
  acceptedAt: string
  expiresAt?: string
  expired: boolean
  /**
   * Who accepted it: the user here (`local`), or the security team on the central server
   * (`server`, arrived with the sync config; it cannot be reopened on the laptop).
   */
  source?: 'local' | 'server'
}>

export type FindingRow = Finding &
  Readonly<{
    status: FindingStatus
    firstSeenScan: string
    lastSeenScan: string
    /** When the scan that first saw it started. */
    firstSeenAt?: string
    asset?: AssetRef
    acceptance?: FindingAcceptance
  }>

/** Findings of one severity and rule, as a list grouped by them shows them. */
export type FindingGroup = Readonly<{
  severity: Severity
  ruleId: string
  /** The rule's title (the finding's own when the rule table does not know the rule). */
  title: string
  count: number
}>

export type FindingGroups = Readonly<{
  /** Most severe first, then the largest groups; at most 1000. */
  groups: readonly FindingGroup[]
  total: number
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
  /** A scan after the latest completed one that did not complete (interrupted, failed). */
  lastAttempt?: ScanRecord
  assetsByKind: Readonly<Partial<Record<AssetKind, number>>>
  totalAssets: number
  /** Open findings not under an accepted risk in force. */
  openFindingsBySeverity: Readonly<Partial<Record<Severity, number>>>
  totalOpenFindings: number
  /** Open findings under an accepted risk in force (left out of the open counts). */
  acceptedFindings: number
  /** Present model files judged malicious or suspicious. */
  riskyModels: Readonly<{ malicious: number; suspicious: number }>
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
