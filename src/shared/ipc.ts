/**
 * The one IPC contract between Electron main, the preload bridge and the renderer.
 *
 * - Channel names and preload method names: ipc-channels.ts (import-free, for the preload).
 * - Arguments: a TypeBox schema per channel in IPC_ARGS. Main validates every call against it
 *   (Ajv) before a handler runs, so a wrong type, an unknown field or an oversized string gets
 *   an `invalid-argument` reply and never reaches core.
 * - Results: IpcResults. Every reply is an IpcReply envelope: handlers never throw across IPC.
 *
 * The renderer imports types only from here (`import type`), so the schema library stays out of
 * its bundle.
 */
import { Type } from 'typebox'
import type { Static, TSchema } from 'typebox'
import { ASSET_KINDS, SEVERITIES } from './types'
import type {
  AssetKind,
  Details,
  ScanPhase,
  ScanProgress,
  ScanStats,
  Severity,
  Verdict,
} from './types'
import type { EventChannel, InvokeChannel } from './ipc-channels'
import type { FindingAcceptance } from './query'
import type { EVENT_METHODS, INVOKE_METHODS } from './ipc-channels'
import { SETTINGS_SECTIONS } from './settings'
import type { Settings, SettingsSectionId } from './settings'
import { SyncDisconnectSchema, SyncEnrollSchema, SyncPreviewSchema } from './sync-ipc'
import type { SyncPreviewView, SyncRunResult, SyncView } from './sync-ipc'

export { INVOKE_CHANNELS, EVENT_CHANNELS, INVOKE_METHODS, EVENT_METHODS } from './ipc-channels'
export type { InvokeChannel, EventChannel } from './ipc-channels'

// ---------------------------------------------------------------------------------------------
// Argument schemas

const strict = { additionalProperties: false } as const
/** Asset ids (`model:3f2a…`) and finding ids (hex): short, printable, no path characters. */
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9:_.-]+$' })
const Kind = Type.Enum(ASSET_KINDS)
const Sev = Type.Enum(SEVERITIES)
const VerdictS = Type.Enum(['malicious', 'suspicious', 'safe', 'invalid'] as const)
/** Free text typed into a search box. */
const SearchText = Type.String({ maxLength: 200 })
/** Opaque keyset cursor handed out by a previous page. */
const Cursor = Type.String({ minLength: 1, maxLength: 4096 })
const Limit = Type.Integer({ minimum: 1, maximum: 500 })
const Dir = Type.Enum(['asc', 'desc'] as const)

export const ASSET_SORT_KEYS = [
  'name',
  'path',
  'kind',
  'format',
  'size',
  'source',
  'verdict',
  'findings',
  'firstSeen',
] as const
export type AssetSortKey = (typeof ASSET_SORT_KEYS)[number]

export const AssetQuerySchema = Type.Object(
  {
    kinds: Type.Optional(Type.Array(Kind, { minItems: 1, maxItems: ASSET_KINDS.length })),
    text: Type.Optional(SearchText),
    verdict: Type.Optional(VerdictS),
    /** Only assets with an open finding at or above this severity. */
    minSeverity: Type.Optional(Sev),
    status: Type.Optional(Type.Enum(['present', 'gone', 'all'] as const)),
    sort: Type.Optional(Type.Object({ key: Type.Enum(ASSET_SORT_KEYS), dir: Dir }, strict)),
    /** Continue after the page that returned this cursor. */
    cursor: Type.Optional(Cursor),
    /** Start at this row of the sorted result (a jump in a long list) instead of a cursor. */
    at: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    limit: Type.Optional(Limit),
  },
  strict,
)
export type AssetQuery = Static<typeof AssetQuerySchema>

export const FINDING_STATES = ['open', 'accepted', 'resolved'] as const
export type FindingState = (typeof FINDING_STATES)[number]

export const FindingFilterSchema = Type.Object(
  {
    /** Default: open. `all` is every state. */
    state: Type.Optional(Type.Enum([...FINDING_STATES, 'all'] as const)),
    severities: Type.Optional(Type.Array(Sev, { minItems: 1, maxItems: SEVERITIES.length })),
    ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    assetId: Type.Optional(Id),
    text: Type.Optional(SearchText),
  },
  strict,
)
export type FindingFilter = Static<typeof FindingFilterSchema>

export const FindingQuerySchema = Type.Object(
  {
    filter: FindingFilterSchema,
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  strict,
)
export type FindingQuery = Static<typeof FindingQuerySchema>

export const AcceptRiskSchema = Type.Object(
  {
    findingId: Id,
    /** Why the risk is accepted: required, a paragraph at most. */
    note: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
    /** ISO date-time after which the finding counts as open again. */
    expiresAt: Type.Optional(
      Type.String({
        maxLength: 40,
        pattern:
          '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
      }),
    ),
  },
  strict,
)
export type AcceptRiskRequest = Static<typeof AcceptRiskSchema>

export const EXPORT_FORMATS = ['html', 'pdf', 'json', 'csv', 'cyclonedx', 'sarif'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export type SettingsUpdate = {
  [K in SettingsSectionId]: { section: K; value: Settings[K] }
}[SettingsSectionId]
/** One section, replaced whole, validated against that section's own schema. */
const SettingsUpdateSchema = Type.Unsafe<SettingsUpdate>(
  Type.Union(
    (Object.keys(SETTINGS_SECTIONS) as SettingsSectionId[]).map((id) =>
      Type.Object({ section: Type.Literal(id), value: SETTINGS_SECTIONS[id].schema }, strict),
    ),
  ),
)

/** What the user may reveal or copy: an item the inventory knows, never a path the page makes up. */
const ItemRef = Type.Union([
  Type.Object({ assetId: Id }, strict),
  Type.Object({ findingId: Id }, strict),
])
export type ItemRef = Static<typeof ItemRef>

/** A local time of day, HH:MM on a 24-hour clock. */
const TimeOfDay = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })

/** Scheduled full scans: off, daily at a local time, or weekly on a day (0 Sunday … 6 Saturday). */
export const ScheduleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('off') }, strict),
  Type.Object({ kind: Type.Literal('daily'), at: TimeOfDay }, strict),
  Type.Object(
    { kind: Type.Literal('weekly'), day: Type.Integer({ minimum: 0, maximum: 6 }), at: TimeOfDay },
    strict,
  ),
])
export type Schedule = Static<typeof ScheduleSchema>

/**
 * A change to the background settings: any of the fields the user sets (scheduleSince is kept by
 * main). src/main/background-settings.ts checks ranges again before it saves.
 */
export const BackgroundChangeSchema = Type.Object(
  {
    watcher: Type.Optional(Type.Boolean()),
    quiet: Type.Optional(Type.Boolean()),
    budget: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
    schedule: Type.Optional(ScheduleSchema),
    launchAtLogin: Type.Optional(Type.Boolean()),
  },
  strict,
)
export type BackgroundChange = Static<typeof BackgroundChangeSchema>

/** No arguments. (An empty `Type.Tuple` is not valid draft-07: `items` may not be empty.) */
const None = Type.Unsafe<[]>({ type: 'array', maxItems: 0 })

/** Every channel's argument list. `satisfies` keeps it in step with the channel table. */
export const IPC_ARGS = {
  'app:info': None,
  'app:diagnostics': None,
  'overview:get': None,
  /** The user saw the Overview up to this change-log position ("new since you last looked"). */
  'overview:seen': Type.Tuple([
    Type.Object({ upTo: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) }, strict),
  ]),
  'scan:start': Type.Tuple([
    Type.Object(
      {
        /** Rescan only these files or folders (a scoped scan); absent: a full scan. */
        paths: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: 64 }),
        ),
      },
      strict,
    ),
  ]),
  'scan:cancel': None,
  'scan:state': None,
  'assets:list': Type.Tuple([AssetQuerySchema]),
  'assets:get': Type.Tuple([Type.Object({ id: Id }, strict)]),
  'findings:groups': Type.Tuple([FindingFilterSchema]),
  'findings:list': Type.Tuple([FindingQuerySchema]),
  'findings:get': Type.Tuple([Type.Object({ id: Id }, strict)]),
  'risk:accept': Type.Tuple([AcceptRiskSchema]),
  'risk:reopen': Type.Tuple([Type.Object({ findingId: Id }, strict)]),
  'model:report': Type.Tuple([Type.Object({ assetId: Id }, strict)]),
  'history:list': Type.Tuple([Type.Object({ limit: Type.Optional(Limit) }, strict)]),
  'settings:get': None,
  'settings:update': Type.Tuple([SettingsUpdateSchema]),
  'settings:pick-folder': Type.Tuple([
    Type.Object({ title: Type.Optional(Type.String({ maxLength: 120 })) }, strict),
  ]),
  'inventory:clear': Type.Tuple([
    // The renderer must send the phrase the user typed: a stray call cannot wipe the inventory.
    Type.Object({ confirm: Type.Literal('clear inventory') }, strict),
  ]),
  'export:save': Type.Tuple([
    Type.Object(
      {
        format: Type.Enum(EXPORT_FORMATS),
        includeGone: Type.Optional(Type.Boolean()),
      },
      strict,
    ),
  ]),
  'shell:reveal': Type.Tuple([ItemRef]),
  'shell:open-external': Type.Tuple([Type.String({ minLength: 8, maxLength: 2048 })]),
  'clipboard:write': Type.Tuple([
    Type.Union([
      ItemRef,
      Type.Object({ text: Type.String({ minLength: 1, maxLength: 20_000 }) }, strict),
    ]),
  ]),
  'status:get': None,
  'settings:background': None,
  /** Applies a partial change; a refused one answers ok: false with why. */
  'settings:set-background': Type.Tuple([BackgroundChangeSchema]),
  'watcher:status': None,
  /** Pauses the watcher until a time (ms since the epoch) or, without one, until resumed. */
  'watcher:pause': Type.Tuple([
    Type.Object(
      { until: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })) },
      strict,
    ),
  ]),
  'watcher:resume': None,
  // Settings → Sync (sync-ipc.ts). The device token is in none of these.
  'sync:status': None,
  'sync:enroll': Type.Tuple([SyncEnrollSchema]),
  'sync:now': None,
  'sync:disconnect': Type.Tuple([SyncDisconnectSchema]),
  'sync:preview': Type.Tuple([SyncPreviewSchema]),
} as const satisfies Record<InvokeChannel, TSchema>

// ---------------------------------------------------------------------------------------------
// Results

export type AppInfo = Readonly<{
  name: string
  version: string
  platform: string
  arch: string
  versions: Readonly<{ node: string; electron?: string; chrome?: string; sqlite?: string }>
  dbPath: string
  dbSizeBytes?: number
  logPath: string
  recentErrors: readonly AppError[]
}>

export type AppError = Readonly<{ at: string; where: string; message: string }>

export type Diagnostics = Readonly<{ text: string }>

export type ScanSummaryDto = Readonly<{
  id: string
  status: 'running' | 'complete' | 'interrupted' | 'failed'
  startedAt: string
  finishedAt?: string
  durationMs?: number
  roots: readonly string[]
  stats?: ScanStats
  error?: string
  /** Scoped scans cover some paths only. */
  scope?: 'full' | 'paths'
}>

export type FindingRow = Readonly<{
  id: string
  ruleId: string
  severity: Severity
  title: string
  message: string
  path: string
  line?: number
  member?: string
  offset?: number
  callable?: string
  assetId?: string
  assetKind?: AssetKind
  assetName?: string
  state: FindingState
  accepted?: AcceptedRiskDto
  firstSeenAt?: string
}>

/** An acceptance as the query layer returns it (`expired`: it lapsed, the finding is open again). */
export type AcceptedRiskDto = FindingAcceptance

/** What changed since the user last looked at the Overview, read from the change log. */
export type NewSince = Readonly<{
  /** When the user last looked (absent the first time). */
  since?: string
  /** The change-log position this summary goes up to (sent back with overview:seen). */
  upTo: number
  assetsAdded: number
  assetsGone: number
  findingsOpened: number
  findingsResolved: number
}>

export type Overview = Readonly<{
  lastScan?: ScanSummaryDto
  /** A scan after the last complete one that did not complete (cancelled, failed). */
  lastAttempt?: ScanSummaryDto
  totalAssets: number
  assetsByKind: Readonly<Partial<Record<AssetKind, number>>>
  openBySeverity: Readonly<Record<Severity, number>>
  accepted: number
  models: Readonly<{ count: number; bytes: number; malicious: number; suspicious: number }>
  /** The worst open findings (critical and high first), a handful. */
  top: readonly FindingRow[]
  /** Changes since the user last opened the Overview (from the change log). */
  newSince?: NewSince
  /** The change log's latest position when this was read. */
  changeSeq: number
}>

/** How many assets and findings a scan added, changed or removed (from the change log). */
export type DeltaCounts = Readonly<{
  assetsAdded: number
  assetsChanged: number
  assetsGone: number
  findingsOpened: number
  findingsResolved: number
}>

export type ScanOutcome =
  | Readonly<{
      kind: 'complete'
      scanId: string
      scope: 'full' | 'paths'
      stats: ScanStats
      missingRoots: readonly string[]
      delta: DeltaCounts
    }>
  | Readonly<{ kind: 'interrupted'; scanId: string }>
  | Readonly<{ kind: 'failed'; message: string }>
  | Readonly<{ kind: 'busy'; message: string }>

export type ScanState =
  | Readonly<{ running: false; last?: ScanOutcome }>
  | Readonly<{
      running: true
      startedAt: string
      scope: 'full' | 'paths'
      progress?: ScanProgress
    }>

/** One table row: the columns every kind has, plus the kind's own facts (asset-columns.ts). */
export type AssetRow = Readonly<{
  id: string
  kind: AssetKind
  name: string
  path: string
  version?: string
  format?: string
  sizeBytes?: number
  source?: string
  verdict?: Verdict
  sha256?: string
  openFindings: number
  worstSeverity?: Severity
  status: 'present' | 'gone'
  firstSeenAt?: string
  facts: Readonly<Record<string, string | number | boolean>>
}>

export type AssetPage = Readonly<{
  rows: readonly AssetRow[]
  /** Row number of rows[0] in the whole sorted result. */
  start: number
  nextCursor?: string
  total: number
}>

export type LinkedAsset = Readonly<{
  relation: string
  /** out: this asset points at the other (a server uses a key); in: the other points here. */
  direction: 'out' | 'in'
  id: string
  /** Absent when the other end is not in the inventory any more. */
  asset?: Pick<AssetRow, 'id' | 'kind' | 'name' | 'path' | 'status'>
}>

export type AssetDetail = Readonly<{
  asset: AssetRow & Readonly<{ details: Details }>
  findings: readonly FindingRow[]
  links: readonly LinkedAsset[]
  lastSeenAt?: string
  goneSince?: string
}>

export type FindingGroup = Readonly<{
  severity: Severity
  ruleId: string
  title: string
  count: number
}>

export type FindingGroups = Readonly<{ groups: readonly FindingGroup[]; total: number }>

export type FindingPage = Readonly<{ rows: readonly FindingRow[]; nextCursor?: string }>

export type RuleInfo = Readonly<{
  id: string
  title: string
  severity: Severity
  why: string
  fix: string
  cwe: readonly number[]
  advisories: readonly string[]
  known: boolean
}>

export type FindingDetail = Readonly<{
  finding: FindingRow
  rule: RuleInfo
  asset?: AssetRow
  /** The acceptance, also when it expired (then finding.state is open again). */
  acceptance?: AcceptedRiskDto
}>

export type ModelReport = Readonly<{
  asset: AssetRow & Readonly<{ details: Details }>
  /** A fresh static scan of the file (nothing is loaded or run). */
  scan:
    | Readonly<{
        ok: true
        format: string
        verdict: Verdict
        sha256?: string
        sizeBytes?: number
        metadata: Readonly<Record<string, string | number | boolean | readonly string[]>>
        findings: readonly ModelReportFinding[]
        /** Callables and imports the findings name (pickle GLOBALs, Keras modules, …). */
        callables: readonly string[]
        /** Chat templates (GGUF metadata, tokenizer_config.json) and their verdict. */
        chatTemplate?: Readonly<{ verdict: 'safe' | 'unsafe'; findings: number }>
        scannedAt: string
        durationMs: number
      }>
    | Readonly<{ ok: false; message: string }>
}>

export type ModelReportFinding = Readonly<{
  ruleId: string
  severity: Severity
  title: string
  message: string
  member?: string
  offset?: number
  callable?: string
  /** In a model repository: the file (relative to the repository) and line the finding is about. */
  file?: string
  line?: number
  why: string
  fix: string
}>

export type ExportOutcome =
  | Readonly<{ kind: 'saved'; path: string; bytes: number; format: ExportFormat }>
  | Readonly<{ kind: 'cancelled' }>

/** What the status line and (later) the tray show; sections other shells fill in are optional. */
export type AppStatus = Readonly<{
  scan: ScanState
  lastScanAt?: string
  openBySeverity: Readonly<Record<Severity, number>>
  /** The background watcher (issue 13) reports here when it runs. */
  watcher?: Readonly<{ state: 'watching' | 'paused' | 'off' | 'degraded'; detail?: string }>
  /** Sync with the central server (issue 14). */
  sync?: Readonly<{
    state: 'synced' | 'pending' | 'offline' | 'off'
    lastSyncAt?: string
    pending?: number
  }>
}>

export type SettingsView = Readonly<{
  settings: Settings
  /** Saved roots that are not folders any more (moved, unmounted, deleted). */
  missingRoots: readonly string[]
  home: string
  dbPath: string
}>

/** What runs in the background, as the Settings screen shows and changes it. */
export type BackgroundSettings = Readonly<{
  /** The background watcher (rescans what changes). */
  watcher: boolean
  /** Quiet mode: no notifications. */
  quiet: boolean
  /** Folders the watcher watches at most (one OS watch each). */
  budget: number
  schedule: Schedule
  /** When the schedule was last changed (ISO 8601): no scan is due for a slot before it. */
  scheduleSince: string
  /** Start AI Scout (in the tray) at login. Off by default. */
  launchAtLogin: boolean
}>

export type SetBackgroundResult =
  Readonly<{ ok: true; settings: BackgroundSettings }> | Readonly<{ ok: false; message: string }>

/** The watcher as the app shows it (Settings, the status line, the tray). */
export type WatcherStatus = Readonly<{
  state: 'off' | 'starting' | 'watching' | 'paused' | 'failed'
  pausedUntil?: number
  folders: number
  budget: number
  /** Roots rescanned periodically because they are too big to watch. */
  degraded: readonly string[]
  scanning?: 'full' | 'rescan'
  lastScanAt?: string
  message?: string
}>

/** Why the watcher process changed the inventory. */
export type WatcherTrigger =
  'change' | 'catch-up' | 'resume' | 'periodic' | 'settings' | 'digest' | 'full'

/**
 * The inventory changed: a scan from the window completed, a risk was accepted or reopened,
 * settings or a clear, fleet policies judged again (`policy`: a background setting they check
 * changed), or the watcher process applied a delta (a rescan of what changed, a scheduled full
 * scan); then `scanId` and `trigger` say which scan and why.
 */
export type InventoryChanged = Readonly<{
  reason: 'scan' | 'risk' | 'settings' | 'clear' | 'policy' | 'watcher'
  scanId?: string
  trigger?: WatcherTrigger
}>

/** Something the app was asked to open (a click on a notification). */
export type OpenRequest =
  Readonly<{ kind: 'finding'; id: string }> | Readonly<{ kind: 'findings'; ids: readonly string[] }>

export type IpcResults = {
  'app:info': AppInfo
  'app:diagnostics': Diagnostics
  'overview:get': Overview
  'overview:seen': boolean
  'scan:start': ScanOutcome
  'scan:cancel': boolean
  'scan:state': ScanState
  'assets:list': AssetPage
  'assets:get': AssetDetail
  'findings:groups': FindingGroups
  'findings:list': FindingPage
  'findings:get': FindingDetail
  'risk:accept': AcceptedRiskDto
  'risk:reopen': boolean
  'model:report': ModelReport
  'history:list': readonly ScanSummaryDto[]
  'settings:get': SettingsView
  'settings:update': SettingsView
  'settings:pick-folder': string | null
  'inventory:clear': boolean
  'export:save': ExportOutcome
  'shell:reveal': boolean
  'shell:open-external': boolean
  'clipboard:write': boolean
  'status:get': AppStatus
  'settings:background': BackgroundSettings
  'settings:set-background': SetBackgroundResult
  'watcher:status': WatcherStatus
  'watcher:pause': WatcherStatus
  'watcher:resume': WatcherStatus
  'sync:status': SyncView
  'sync:enroll': SyncRunResult
  'sync:now': SyncRunResult
  'sync:disconnect': SyncView
  'sync:preview': SyncPreviewView
}

/** Commands from the native menu (and later the tray) that the renderer carries out. */
export type AppCommand =
  | Readonly<{ type: 'navigate'; to: 'overview' | 'inventory' | 'findings' | 'settings' | 'about' }>
  | Readonly<{ type: 'focus-search' }>
  | Readonly<{ type: 'scan-now' }>
  | Readonly<{ type: 'export'; format: ExportFormat }>
  | Readonly<{ type: 'open-finding'; id: string }>

export type IpcEvents = {
  'scan:progress': ScanProgress
  'scan:state': ScanState
  'inventory:changed': InventoryChanged
  'status:changed': AppStatus
  'app:command': AppCommand
  'watcher:status': WatcherStatus
  /** A notification was clicked: the window shows that finding (or the findings). */
  'app:open': OpenRequest
  /** Sync started, finished, enrolled or disconnected: Settings → Sync redraws. */
  'sync:status': SyncView
}

// ---------------------------------------------------------------------------------------------
// Envelope and derived signatures

export const IPC_ERROR_CODES = [
  'invalid-argument',
  'not-found',
  'busy',
  'unavailable',
  'forbidden',
  'internal',
] as const
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number]
export type IpcError = Readonly<{ code: IpcErrorCode; message: string }>
export type IpcReply<T> =
  Readonly<{ ok: true; value: T }> | Readonly<{ ok: false; error: IpcError }>

export type ArgsOf<C extends InvokeChannel> = Static<(typeof IPC_ARGS)[C]>
export type ResultOf<C extends InvokeChannel> = IpcResults[C]

/** The handler table main registers (and the browser tests drive): plain async functions. */
export type IpcHandlers = {
  [C in InvokeChannel]: (...args: ArgsOf<C>) => Promise<ResultOf<C>>
}

type MethodOf<C extends InvokeChannel> = (typeof INVOKE_METHODS)[C]
type EventMethodOf<E extends EventChannel> = (typeof EVENT_METHODS)[E]

/** What the preload exposes as `window.api`: named methods only, no generic invoke. */
export type RendererApi = Readonly<
  {
    [C in InvokeChannel as MethodOf<C>]: (...args: ArgsOf<C>) => Promise<IpcReply<ResultOf<C>>>
  } & {
    [E in EventChannel as EventMethodOf<E>]: (cb: (payload: IpcEvents[E]) => void) => () => void
  }
>

export type { ScanPhase, ScanProgress }
export type * from './sync-ipc'
