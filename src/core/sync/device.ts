import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { DeviceFacts } from '../../shared/sync-api'
import { hostInfo } from '../engine/host'

/**
 * The machine's hardware identity, hashed (the server only compares it): Linux's machine-id,
 * macOS's platform UUID, Windows' MachineGuid; the hostname when none can be read.
 * AISCOUT_HARDWARE_ID overrides it (images that share a machine-id, and tests).
 */
export function hardwareId(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.AISCOUT_HARDWARE_ID || readHardwareId() || `host:${hostInfo().hostname}`
  return createHash('sha256').update(`aiscout-hw\u0000${raw}`).digest('hex').slice(0, 32)
}

function readHardwareId(): string | undefined {
  try {
    switch (process.platform) {
      case 'linux':
        for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
          try {
            const v = readFileSync(f, 'utf8').trim()
            if (v) return v
          } catch {
            // next
          }
        }
        return undefined
      case 'darwin': {
        const out = execFileSync('/usr/sbin/ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice'], {
          encoding: 'utf8',
          timeout: 3000,
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        return /"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(out)?.[1]
      }
      case 'win32': {
        const out = execFileSync(
          'reg',
          ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'],
          { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] },
        )
        return /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out)?.[1]
      }
      default:
        return undefined
    }
  } catch {
    return undefined
  }
}

export function deviceFacts(
  installationId: string,
  appVersion: string,
  env?: NodeJS.ProcessEnv,
): DeviceFacts {
  const h = hostInfo()
  return {
    installationId,
    hardwareId: hardwareId(env),
    hostname: h.hostname.slice(0, 256),
    platform: h.platform.slice(0, 32),
    arch: h.arch.slice(0, 32),
    osRelease: h.osRelease.slice(0, 128),
    user: h.user.slice(0, 128),
    appVersion: appVersion.slice(0, 64),
  }
}
