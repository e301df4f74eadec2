import { arch, hostname, release, userInfo } from 'node:os'
import type { HostInfo } from '../types'

export function hostInfo(): HostInfo {
  let user = ''
  try {
    user = userInfo().username
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? ''
  }
  return {
    hostname: hostname(),
    platform: process.platform,
    arch: arch(),
    osRelease: release(),
    user,
  }
}
