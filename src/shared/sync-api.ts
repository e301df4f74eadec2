/**
 * The agent API (`/api/agent/v1`) between a device's sync client and the central server: every
 * request and response body is defined here once, as TypeBox schemas. The server validates with
 * them (Fastify route schemas) and the client builds its payloads against the same static types.
 * No Node or DOM types: this module is shared by the server, core's sync client and, later, the
 * dashboard and the desktop renderer.
 */
import Type from 'typebox'

export const AGENT_API_PREFIX = '/api/agent/v1'
export const FLEET_API_PREFIX = '/api/fleet/v1'

/** Most items in one inventory batch (assets and findings together); the client caps below it. */
export const MAX_BATCH_ITEMS = 10_000
/** Longest asset or finding key: the core's ids are 30-60 characters. */
export const MAX_KEY_LENGTH = 256
/**
 * Largest serialised `data` of one asset or finding (UTF-8 JSON bytes). The scan JSON of one item
 * is a few KiB; the client trims bigger details to fit (core/sync/payload.ts), and the server
 * refuses a bigger item with 400, so no single row can make a page too large to answer.
 */
export const MAX_ITEM_BYTES = 256 * 1024
/**
 * Deepest nesting of any request body, counted from the body itself (an item's `data` sits three
 * levels down). JSON.stringify and other recursive code fail with a RangeError thousands of levels
 * down; the scan JSON is under ten levels deep.
 */
export const MAX_BODY_DEPTH = 40
/**
 * Text the database can store the same on both engines: no NUL (PostgreSQL text refuses it) and
 * no unpaired UTF-16 surrogate (it cannot be encoded as UTF-8; drivers would silently replace it).
 */
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u

// ---------------------------------------------------------------------------------------------
// Directives: any response can carry one.
// ---------------------------------------------------------------------------------------------

/**
 * What the device must do next. `resync`: send a full snapshot; `reenroll`: the token is unknown,
 * enroll again; `stop`: the device was revoked, stop syncing until an operator intervenes.
 */
export const DIRECTIVE_ACTIONS = ['none', 'resync', 'reenroll', 'stop'] as const
export type DirectiveAction = (typeof DIRECTIVE_ACTIONS)[number]

export const Directive = Type.Object({
  action: Type.Enum(DIRECTIVE_ACTIONS),
  /** The server is the time authority (ordering is by seq, never by clocks). */
  serverTime: Type.String(),
  /** ETag of the device's current config: a client holding another one fetches `config`. */
  configEtag: Type.Optional(Type.String()),
  /** The server wants this device to rotate its token (`POST /token`). */
  rotateToken: Type.Optional(Type.Boolean()),
})
export type Directive = Type.Static<typeof Directive>

/** Error codes of the agent and fleet APIs; `error` in every non-2xx JSON body. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'enroll_secret_invalid',
  'device_revoked',
  'reenroll',
  'resync_required',
  'conflict',
  'unavailable',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export const ErrorBody = Type.Object({
  error: Type.Enum(ERROR_CODES),
  message: Type.String(),
  action: Type.Enum(DIRECTIVE_ACTIONS),
  serverTime: Type.String(),
  /** 409 resync_required: the sequence number the server expected. */
  expectedSeq: Type.Optional(Type.Integer()),
  /** 429/503: seconds to wait (also in the Retry-After header). */
  retryAfterS: Type.Optional(Type.Integer()),
})
export type ErrorBody = Type.Static<typeof ErrorBody>

// ---------------------------------------------------------------------------------------------
// Enrollment and tokens
// ---------------------------------------------------------------------------------------------

export const SEVERITY_NAMES = ['info', 'low', 'medium', 'high', 'critical'] as const

const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max })

export const DeviceFacts = Type.Object(
  {
    /** The inventory's per-installation id (one per OS user and inventory database). */
    installationId: Text(128, 8),
    /** Hardware UUID (or machine id): shared by every install on one machine, and by clones. */
    hardwareId: Text(256, 1),
    hostname: Text(256),
    platform: Text(32),
    arch: Text(32),
    osRelease: Text(128),
    user: Text(128),
    appVersion: Text(64),
  },
  { additionalProperties: false },
)
export type DeviceFacts = Type.Static<typeof DeviceFacts>

export const EnrollRequest = Type.Object(
  {
    enrollSecret: Text(256, 8),
    device: DeviceFacts,
  },
  { additionalProperties: false },
)
export type EnrollRequest = Type.Static<typeof EnrollRequest>

export const EnrollResponse = Type.Intersect([
  Directive,
  Type.Object({
    deviceId: Type.String(),
    /** The device's bearer token: shown once, stored hashed by the server. */
    deviceToken: Type.String(),
    teamId: Type.String(),
    team: Type.String(),
    /**
     * The organisation's key fingerprint key (base64, 32 bytes): every device of the organisation
     * computes HMAC-SHA-256 key fingerprints under it, so one key on two laptops has one
     * fingerprint. It never identifies a key by itself; values never leave the device.
     */
    fingerprintKey: Type.String(),
    /** True when this enrollment reused an existing device record (same install re-enrolling). */
    reenrolled: Type.Boolean(),
  }),
])
export type EnrollResponse = Type.Static<typeof EnrollResponse>

export const TokenResponse = Type.Intersect([
  Directive,
  Type.Object({
    deviceToken: Type.String(),
    /** The previous token keeps working until the new one is first used, at most this long. */
    previousValidForS: Type.Integer(),
  }),
])
export type TokenResponse = Type.Static<typeof TokenResponse>

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

/** `full`: paths as found; `home`: the user's home directory replaced by `~` before sending. */
export const UPLOAD_PATHS = ['full', 'home'] as const
export type UploadPaths = (typeof UPLOAD_PATHS)[number]

/**
 * Longest interval the server may push (one day). Clients also clamp every delay they take from
 * the server to this: Node's setTimeout turns a delay of 2^31 ms (about 24.8 days) or more into
 * 1 ms, so an unbounded interval made every laptop sync in a loop.
 */
export const MAX_INTERVAL_S = 86_400
export const MIN_INTERVAL_S = 60

export const SyncSettings = Type.Object({
  uploadPaths: Type.Enum(UPLOAD_PATHS),
  /** Seconds between scheduled syncs (the desktop app; the CLI syncs when run). */
  syncIntervalS: Type.Integer({ minimum: MIN_INTERVAL_S, maximum: MAX_INTERVAL_S }),
  heartbeatIntervalS: Type.Integer({ minimum: MIN_INTERVAL_S, maximum: MAX_INTERVAL_S }),
  /** Caps for one inventory batch (the client may use less). */
  maxBatchItems: Type.Integer({ minimum: 1, maximum: MAX_BATCH_ITEMS }),
  /** At most 32 MiB: a batch must stay under the server's --max-inflated-mb (64 by default). */
  maxBatchBytes: Type.Integer({ minimum: 1024, maximum: 32 * 1024 * 1024 }),
  /** A full snapshot at least this often even without changes (0: only when asked); 30 days at most. */
  snapshotIntervalH: Type.Integer({ minimum: 0, maximum: 720 }),
})
export type SyncSettings = Type.Static<typeof SyncSettings>

/**
 * A policy pushed to devices and evaluated there; results come back as findings. `rule` is one of
 * the types in src/shared/policy.ts (docs/policies.md): the server validates it before storing it,
 * and the device checks it again, so it stays an open record here (a newer server's type must
 * reach an older device as a reportable policy, not fail the whole config).
 */
export const Policy = Type.Object({
  id: Text(128, 1),
  name: Text(256),
  enabled: Type.Boolean(),
  severity: Type.Optional(Type.Enum(SEVERITY_NAMES)),
  rule: Type.Record(Type.String(), Type.Unknown()),
})
export type Policy = Type.Static<typeof Policy>

/** A finding an operator or the user accepted: the device shows it as accepted until it expires. */
export const AcceptedRisk = Type.Object({
  findingKey: Text(MAX_KEY_LENGTH, 1),
  note: Text(2000),
  acceptedBy: Text(256),
  acceptedAt: Type.String(),
  expiresAt: Type.Optional(Type.String()),
})
export type AcceptedRisk = Type.Static<typeof AcceptedRisk>

export const ConfigResponse = Type.Intersect([
  Directive,
  Type.Object({
    etag: Type.String(),
    settings: SyncSettings,
    policies: Type.Array(Policy),
    acceptedRisks: Type.Array(AcceptedRisk),
  }),
])
export type ConfigResponse = Type.Static<typeof ConfigResponse>

// ---------------------------------------------------------------------------------------------
// Inventory batches
// ---------------------------------------------------------------------------------------------

const Key = Text(MAX_KEY_LENGTH, 1)
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' })
const Kind = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' })
/** The asset or finding exactly as `aiscout scan --format json` writes it (paths maybe `~`-relative). */
const Data = Type.Record(Type.String(), Type.Unknown())

export const AssetUpsert = Type.Object(
  {
    op: Type.Literal('upsert'),
    /** The asset's stable id in the device's inventory (kind + identity digest). */
    key: Key,
    kind: Kind,
    /** SHA-256 of the canonical JSON of `data`: unchanged content is not rewritten. */
    hash: Hash,
    data: Data,
  },
  { additionalProperties: false },
)
export const AssetRemove = Type.Object(
  { op: Type.Literal('remove'), key: Key },
  { additionalProperties: false },
)
export const AssetItem = Type.Union([AssetUpsert, AssetRemove])
export type AssetItem = Type.Static<typeof AssetItem>

export const FindingUpsert = Type.Object(
  {
    op: Type.Literal('upsert'),
    key: Key,
    /** The asset the finding is about, when there is one. */
    assetKey: Type.Optional(Key),
    ruleId: Text(128, 1),
    severity: Type.Enum(SEVERITY_NAMES),
    hash: Hash,
    data: Data,
  },
  { additionalProperties: false },
)
export const FindingResolve = Type.Object(
  { op: Type.Literal('resolve'), key: Key },
  { additionalProperties: false },
)
export const FindingItem = Type.Union([FindingUpsert, FindingResolve])
export type FindingItem = Type.Static<typeof FindingItem>

const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
})
/** Per-device sequence numbers: 1, 2, 3, ... across deltas, snapshot parts and commits. */
const Seq = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const SnapshotId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' })

export const SnapshotPart = Type.Object(
  {
    id: SnapshotId,
    part: Type.Integer({ minimum: 1, maximum: 100_000 }),
    parts: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
)
export type SnapshotPart = Type.Static<typeof SnapshotPart>

/**
 * One batch (`POST /inventory`, usually `Content-Encoding: gzip`). A delta carries upserts and
 * removals since the previous batch; a snapshot part carries current state only, and the
 * snapshot's commit (`POST /inventory/commit`) marks everything it did not list gone/resolved.
 */
export const InventoryBatch = Type.Object(
  {
    batchId: Uuid,
    seq: Seq,
    mode: Type.Union([Type.Literal('delta'), Type.Literal('snapshot')]),
    snapshot: Type.Optional(SnapshotPart),
    assets: Type.Array(AssetItem, { maxItems: MAX_BATCH_ITEMS }),
    findings: Type.Array(FindingItem, { maxItems: MAX_BATCH_ITEMS }),
  },
  { additionalProperties: false },
)
export type InventoryBatch = Type.Static<typeof InventoryBatch>

export const SnapshotCommit = Type.Object(
  {
    batchId: Uuid,
    seq: Seq,
    snapshotId: SnapshotId,
    /** How many parts the snapshot had: all of them must have been received. */
    parts: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
)
export type SnapshotCommit = Type.Static<typeof SnapshotCommit>

export const BatchAck = Type.Intersect([
  Directive,
  Type.Object({
    ackSeq: Type.Integer(),
    /** The same batch was received before: acknowledged again, not applied twice. */
    duplicate: Type.Boolean(),
    applied: Type.Object({
      assets: Type.Integer(),
      findings: Type.Integer(),
      /** Commit only: assets marked gone and findings resolved because the snapshot omitted them. */
      gone: Type.Optional(Type.Integer()),
      resolved: Type.Optional(Type.Integer()),
    }),
  }),
])
export type BatchAck = Type.Static<typeof BatchAck>

// ---------------------------------------------------------------------------------------------
// Heartbeat
// ---------------------------------------------------------------------------------------------

export const HeartbeatRequest = Type.Object(
  {
    appVersion: Text(64),
    hardwareId: Type.Optional(Text(256, 1)),
    /** Changes waiting to be sent (0 when everything was acknowledged). */
    pendingChanges: Type.Integer({ minimum: 0 }),
    lastAckedSeq: Type.Integer({ minimum: 0 }),
    lastScan: Type.Optional(
      Type.Object(
        {
          id: Text(128),
          finishedAt: Type.Optional(Text(64)),
          status: Text(32),
          durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type HeartbeatRequest = Type.Static<typeof HeartbeatRequest>

export const HeartbeatResponse = Type.Intersect([
  Directive,
  Type.Object({
    /** Reserved for server-to-device commands (scan now, collect diagnostics). */
    commands: Type.Array(Type.Object({ id: Type.String(), type: Type.String() })),
  }),
])
export type HeartbeatResponse = Type.Static<typeof HeartbeatResponse>
