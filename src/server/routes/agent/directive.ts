import type { Directive } from '../../../shared/sync-api'
import type { ServerLimits } from '../../app'
import type { DeviceRow } from '../../storage/schema'

/**
 * The directive every agent response carries: resync when the device owes a snapshot (none
 * committed yet, or one was requested), and whether its token is due for rotation.
 */
export function directiveFor(
  device: DeviceRow,
  limits: ServerLimits,
  extra: Readonly<{ configEtag?: string }> = {},
  now: Date = new Date(),
): Directive {
  const owesSnapshot =
    device.resync_requested === 1 || (device.has_snapshot === 0 && device.snap_id === null)
  const tokenAgeMs = now.getTime() - Date.parse(device.token_issued_at)
  return {
    action: owesSnapshot ? 'resync' : 'none',
    serverTime: now.toISOString(),
    ...(extra.configEtag !== undefined ? { configEtag: extra.configEtag } : {}),
    ...(tokenAgeMs > limits.tokenMaxAgeDays * 86_400_000 ? { rotateToken: true } : {}),
  }
}
