import type { Directive } from '../../../shared/sync-api'
import type { ServerLimits } from '../../app'
import type { DeviceRow } from '../../storage/schema'

/**
 * The directive every agent response carries: resync when the device owes a snapshot (none
 * committed yet, or one was requested), and whether its token is due for rotation: when it is old,
 * or when the device still uses the token a rotation replaced (`viaPreviousToken`: it lost the
 * `/token` answer; rotation resets the token's age, so age alone would never ask again and the
 * previous token would run out).
 */
export function directiveFor(
  device: DeviceRow,
  limits: ServerLimits,
  extra: Readonly<{ configEtag?: string; viaPreviousToken?: boolean }> = {},
  now: Date = new Date(),
): Directive {
  // A snapshot on its way (parts received, no commit yet) is the answer to the request.
  const owesSnapshot =
    (device.resync_requested === 1 || device.has_snapshot === 0) && device.snap_id === null
  const tokenAgeMs = now.getTime() - Date.parse(device.token_issued_at)
  return {
    action: owesSnapshot ? 'resync' : 'none',
    serverTime: now.toISOString(),
    ...(extra.configEtag !== undefined ? { configEtag: extra.configEtag } : {}),
    ...(tokenAgeMs > limits.tokenMaxAgeDays * 86_400_000 || extra.viaPreviousToken === true
      ? { rotateToken: true }
      : {}),
  }
}

/**
 * The ETag a device revalidates its config with. It covers the directive's action too: a 304
 * carries no body, so a resync asked for after the device last fetched its config must change
 * the tag for the device to see it.
 */
export function agentEtag(configEtag: string, device: DeviceRow, limits: ServerLimits): string {
  // The last snapshot's time tells one pending resync from the next.
  const epoch = device.last_snapshot_at ? Date.parse(device.last_snapshot_at).toString(36) : '0'
  return `"${configEtag.replace(/"/g, '')}-${directiveFor(device, limits).action}-${epoch}"`
}
