import type { AcceptedRisk } from '../../shared/sync-api'
import type { DeviceAcceptance } from '../../shared/dashboard-api'

/**
 * Accepted risk as the server sees it, from two places: an admin's (a device-scoped
 * `accepted-risk` config item, pushed to the device) and the laptop user's own, which the device
 * reports inside the finding it syncs (`data.accepted`, as `aiscout scan --format json` writes
 * it). A finding is accepted while either holds; the admin's is named first when both do.
 */

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined

const isoOrUndefined = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

/**
 * The laptop user's acceptance a device reported with a finding, or undefined. The data came
 * from a device: every field is checked and bounded, and an acceptance without a note or a
 * valid time is not one.
 */
export function deviceAcceptanceOf(
  data: Readonly<Record<string, unknown>>,
): DeviceAcceptance | undefined {
  const a = data.accepted
  if (!a || typeof a !== 'object' || Array.isArray(a)) return undefined
  const r = a as Record<string, unknown>
  const note = text(r.note, 2000)
  const acceptedAt = isoOrUndefined(r.acceptedAt)
  if (note === undefined || acceptedAt === undefined) return undefined
  const expiresAt = isoOrUndefined(r.expiresAt)
  return {
    note,
    acceptedBy: text(r.acceptedBy, 256) ?? '',
    acceptedAt,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  }
}

/** `device_accepted_until` of an acceptance without an expiry (migration 0110). */
export const NO_EXPIRY = '9999-12-31T23:59:59.999Z'

/**
 * What ingest records in `device_findings.device_accepted_until` for a finding's data: when the
 * laptop's own acceptance ends, or null without a valid one.
 */
export function deviceAcceptedUntil(data: Readonly<Record<string, unknown>>): string | null {
  const a = deviceAcceptanceOf(data)
  if (a === undefined) return null
  // The column is compared as text: an expiry past year 9999 is written '+010000-…', which would
  // sort before every ordinary time.
  if (a.expiresAt === undefined || Date.parse(a.expiresAt) >= Date.parse(NO_EXPIRY))
    return NO_EXPIRY
  return a.expiresAt
}

/** Whether an acceptance holds at `now` (no expiry: until reopened). */
export function holds(a: Readonly<{ expiresAt?: string }> | undefined, now: Date): boolean {
  return a !== undefined && (a.expiresAt === undefined || Date.parse(a.expiresAt) > now.getTime())
}

/** An admin's acceptance from its config item's JSON, or undefined when it is not usable. */
export function serverAcceptanceOf(json: string | null | undefined): AcceptedRisk | undefined {
  if (!json) return undefined
  try {
    const v = JSON.parse(json) as unknown
    return v && typeof v === 'object' ? (v as AcceptedRisk) : undefined
  } catch {
    return undefined
  }
}

export type Acceptance = Readonly<{
  /** Who accepted it, when it is accepted now: the admin on the server first, then the laptop. */
  source: 'server' | 'device' | null
  /** The admin's, while it holds. */
  server: AcceptedRisk | undefined
  /** The laptop user's as reported, expired or not (the dashboard says when it lapsed). */
  device: DeviceAcceptance | undefined
}>

/** Both acceptances of a finding and which one makes it accepted at `now`. */
export function acceptanceAt(
  riskJson: string | null | undefined,
  data: Readonly<Record<string, unknown>>,
  now: Date,
): Acceptance {
  const risk = serverAcceptanceOf(riskJson)
  const server = holds(risk, now) ? risk : undefined
  const device = deviceAcceptanceOf(data)
  return {
    source: server ? 'server' : holds(device, now) ? 'device' : null,
    server,
    device,
  }
}
