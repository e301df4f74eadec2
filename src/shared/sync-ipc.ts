/**
 * The desktop app's sync channels (Settings → Sync): argument schemas and result types, part of
 * the one IPC contract in ipc.ts. The device token is never part of any of them: main keeps it
 * in the token store and hands it only to the sync worker.
 */
import { Type } from 'typebox'
import type { Static } from 'typebox'
import type { AssetKind, Severity } from './types'

const strict = { additionalProperties: false } as const

/**
 * A server URL as typed: http(s) only, no credentials in it (main normalises and checks it again
 * with the sync client's own rules before anything is sent).
 */
export const ServerUrlSchema = Type.String({
  minLength: 8,
  maxLength: 2048,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s@/]+(/\\S*)?$',
})

export const SyncEnrollSchema = Type.Object(
  {
    serverUrl: ServerUrlSchema,
    /** From `aiscout server enroll-secret create`: exchanged once for a device token. */
    enrollSecret: Type.String({ minLength: 8, maxLength: 256, pattern: '^\\S+$' }),
  },
  strict,
)
export type SyncEnrollRequest = Static<typeof SyncEnrollSchema>

/** The renderer must send the word the dialog asks for: a stray call cannot disconnect. */
export const SyncDisconnectSchema = Type.Object({ confirm: Type.Literal('disconnect') }, strict)

export const SyncPreviewSchema = Type.Object(
  {
    /** Items shown per asset kind (and of findings) in the sample. */
    sample: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  strict,
)

/** What the last sync attempt came to, in the sync client's terms. */
export const SYNC_RESULTS = [
  'synced',
  'enrolled',
  'unreachable',
  'revoked',
  'enroll-needed',
  'rejected',
  'no-inventory',
  'failed',
] as const
export type SyncResultKind = (typeof SYNC_RESULTS)[number]

/** Why a sync ran. */
export type SyncTrigger = 'manual' | 'enroll' | 'schedule' | 'change'

export type SyncAttempt = Readonly<{
  at: string
  trigger: SyncTrigger
  result: SyncResultKind
  /** The outcome in plain words, for the user. */
  message: string
  /** Items sent in this attempt (synced). */
  sentItems?: number
  /** Key fingerprints held back until the next scan recomputes them under the organisation key. */
  heldBack?: number
}>

/** Where this device stands with its server: Settings → Sync. Never holds the token. */
export type SyncView = Readonly<{
  /** A device token is held and the server gave this inventory a device id. */
  enrolled: boolean
  revoked: boolean
  server?: string
  deviceId?: string
  team?: string
  enrolledAt?: string
  /** The last sync where everything was acknowledged. */
  lastSyncAt?: string
  /** The last failure in plain words (cleared by a successful sync). */
  lastError?: string
  /** The last attempt this session or before (result and message). */
  lastAttempt?: SyncAttempt
  /** Queued and not yet acknowledged by the server. */
  pending: Readonly<{ batches: number; items: number }>
  snapshotNeeded: boolean
  /** Settings the server pushed (absent before the first config fetch). */
  uploadPaths: 'full' | 'home'
  syncIntervalS?: number
  /** When the next scheduled sync runs (enrolled only). */
  nextSyncAt?: string
  running: boolean
  /** The OS keychain cannot hold the token (Linux without a Secret Service): why, in words. */
  tokenStorageProblem?: string
}>

export type SyncRunResult = Readonly<{ attempt: SyncAttempt; view: SyncView }>

/** One item of the payload exactly as it will be sent (the `data` is what the server stores). */
export type SharedItem = Readonly<{
  op: 'upsert' | 'remove' | 'resolve'
  key: string
  /** Assets: the kind; findings: the rule. */
  label: string
  severity?: Severity
  data?: Readonly<Record<string, unknown>>
}>

/** Settings → Sync → What is shared: the next sync's payload, from core's previewSync. */
export type SyncPreviewView = Readonly<{
  server?: string
  enrolled: boolean
  /** `home`: the home folder is sent as `~`. */
  uploadPaths: 'full' | 'home'
  /** The home folder that `~` stands for (shown to the user, never sent when replaced). */
  home: string
  /** The next sync starts with a full snapshot. */
  snapshot: boolean
  batches: Readonly<{ queued: number; planned: number; items: number; bytes: number }>
  assetsByKind: Readonly<Partial<Record<AssetKind | string, number>>>
  findingsBySeverity: Readonly<Partial<Record<Severity, number>>>
  removals: Readonly<{ assets: number; findings: number }>
  /** Key assets whose fingerprints wait for a scan under the organisation's key. */
  heldBack: number
  /** A few items of each asset kind, and of findings, as they will be sent. */
  samples: readonly Readonly<{ group: string; total: number; items: readonly SharedItem[] }>[]
}>
