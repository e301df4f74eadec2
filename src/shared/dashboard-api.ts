/**
 * What the web dashboard reads from the server (`/api/dashboard/v1` for the session,
 * `/api/fleet/v1` for the fleet): plain data types shared by the server's routes and the React
 * dashboard. Leaf module: imports only other shared modules.
 */
import type { AcceptedRisk, Policy } from './sync-api'

export const DASHBOARD_API_PREFIX = '/api/dashboard/v1'
export const CSRF_HEADER = 'x-csrf-token'

export const DASHBOARD_ROLES = ['admin', 'viewer'] as const
export type DashboardRole = (typeof DASHBOARD_ROLES)[number]

export type SessionInfo = Readonly<{
  user: Readonly<{ name: string; role: DashboardRole }> | null
  csrfToken: string
}>

export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const
export type SeverityName = (typeof SEVERITY_ORDER)[number]
export type SeverityCounts = Readonly<Record<SeverityName, number>>

export type DeviceSummary = Readonly<{
  id: string
  hostname: string
  team: string
  platform: string
  arch: string
  osRelease: string
  user: string
  appVersion: string
  enrolledAt: string
  lastSeenAt: string
  lastSnapshotAt: string | null
  revokedAt: string | null
  cloneOf: string | null
  cloneReason: string | null
  pendingChanges: number
  assets: number
  openFindings: SeverityCounts
}>

export type DevicesPage = Readonly<{ devices: DeviceSummary[]; next?: string }>

export type DashboardAsset = Readonly<{
  key: string
  kind: string
  name: string | null
  path: string | null
  sha256: string | null
  fingerprint: string | null
  firstSeenAt: string
  updatedAt: string
  /** The asset as the device's scan wrote it (keys only as redacted previews). */
  data: Readonly<Record<string, unknown>>
}>

/** Where a finding's risk was accepted: by an admin on the server, or on the laptop by its user. */
export const ACCEPTANCE_SOURCES = ['server', 'device'] as const
export type AcceptanceSource = (typeof ACCEPTANCE_SOURCES)[number]

/** An acceptance made on the laptop by its user (reported with the finding; no secrets). */
export type DeviceAcceptance = Readonly<{
  note: string
  acceptedBy: string
  acceptedAt: string
  expiresAt?: string
}>

export const FINDING_STATUS_FILTERS = ['open', 'accepted', 'resolved', 'all'] as const
export type FindingStatusFilter = (typeof FINDING_STATUS_FILTERS)[number]

export type DashboardFinding = Readonly<{
  deviceId: string
  hostname: string
  key: string
  assetKey: string | null
  assetName: string | null
  assetPath: string | null
  ruleId: string
  severity: string
  status: 'open' | 'accepted' | 'resolved'
  /** Set by an admin on the server (pushed to the device through its config), while it holds. */
  acceptedRisk: AcceptedRisk | null
  /** The laptop user's own acceptance, as the device reported it (expired or not). */
  deviceAcceptance: DeviceAcceptance | null
  /** Whose acceptance makes the finding accepted now: the server's (an admin) or the device's. */
  acceptedSource: AcceptanceSource | null
  firstSeenAt: string
  updatedAt: string
  title: string
  message: string
  path: string
  evidence: Readonly<Record<string, string | number>>
}>

export type FindingsPage = Readonly<{ findings: DashboardFinding[]; next?: string }>

export type FindingGroup = Readonly<{
  ruleId: string
  severity: string
  findings: number
  devices: number
}>

export type HeldAsset = Readonly<{
  key: string
  kind: string
  name: string | null
  path: string | null
  updatedAt: string
  openFindings?: number
}>

export type Holder = Readonly<{
  device: Readonly<{
    id: string
    hostname: string
    team: string
    lastSeenAt: string
    revokedAt: string | null
  }>
  assets: HeldAsset[]
}>

export const SEARCH_SECTIONS = [
  'sha256',
  'fingerprint',
  'model-name',
  'tool',
  'mcp-command',
  'mcp-url',
  'package',
] as const
export type SearchSection = Readonly<{
  by: (typeof SEARCH_SECTIONS)[number]
  devices: Holder[]
  truncated: boolean
}>

export type EnrollSecretInfo = Readonly<{
  id: string
  team: string
  prefix: string
  createdAt: string
  revokedAt: string | null
}>

export type AuditEntry = Readonly<{
  id: string
  at: string
  actor: string
  actorKind: string
  action: string
  target: string
  detail: Readonly<Record<string, unknown>>
  ip: string
}>

export type AlertDelivery = Readonly<{
  id: string
  createdAt: string
  notifier: string
  ruleId: string
  findings: number
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  httpStatus: number | null
  error: string | null
  finishedAt: string | null
}>

export type NotifierInfo = Readonly<{
  name: string
  kind: string
  target: string
  enabled: boolean
}>

/** Where a policy applies: the whole organisation, one team, or one device. */
export type PolicyScope =
  | Readonly<{ kind: 'org' }>
  | Readonly<{ kind: 'team'; team: string }>
  | Readonly<{ kind: 'device'; deviceId: string; hostname: string | null }>

/** A policy as `GET /policies` lists it: the pushed policy, where it applies, when it changed. */
export type PolicyEntry = Policy & Readonly<{ scope: PolicyScope; updatedAt: string }>
