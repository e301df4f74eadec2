import { beginScan } from '../../src/core/storage/inventory-store'
import type { Db } from '../../src/core/storage/db'
import type { NewFinding, ScanStats } from '../../src/core/types'
import type { ConfigResponse } from '../../src/shared/sync-api'

/** Fixtures for accepted-risk tests: a scan of given findings, and a server config. */

const host = { hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' }
const stats = { durationMs: 1 } as ScanStats

/** Commits one scan that found exactly these findings; returns their ids. */
export function scanWith(db: Db, findings: readonly NewFinding[]): string[] {
  const w = beginScan(db, host, ['/home/u'])
  const ids = findings.map((f) => w.addFinding(f))
  w.complete(stats)
  return ids
}

export const pickle: NewFinding = {
  ruleId: 'pickle.dangerous-callable',
  message: 'calls os.system',
  path: '/home/u/Downloads/x.pkl',
  callable: 'os.system',
}
export const env: NewFinding = {
  ruleId: 'posture.env-not-gitignored',
  message: '.env is not ignored',
  path: '/home/u/proj/.env',
}

/** A config as the server sends it, listing these accepted risks. */
export function configWith(
  acceptedRisks: ConfigResponse['acceptedRisks'],
  etag = '"e1"',
): ConfigResponse {
  return {
    action: 'none',
    serverTime: new Date().toISOString(),
    etag,
    settings: {
      uploadPaths: 'home',
      syncIntervalS: 900,
      heartbeatIntervalS: 300,
      maxBatchItems: 2000,
      maxBatchBytes: 1 << 22,
      snapshotIntervalH: 24,
    },
    policies: [],
    acceptedRisks,
  }
}
