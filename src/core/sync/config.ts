import type { ConfigResponse } from '../../shared/sync-api'
import { applyServerAcceptances } from '../storage/accepted-risks'
import type { ServerAcceptanceResult } from '../storage/accepted-risks'
import type { Db } from '../storage/db'
import { writeState } from './state'

/**
 * Keeps a config just fetched and applies what it asks of the inventory, in one transaction: a
 * crash cannot leave the new ETag stored (so the next fetch answers 304) with its accepted risks
 * not applied. The security team's acceptances replace the previous config's (see
 * applyServerAcceptances); the user's own are untouched.
 */
export function storeConfig(db: Db, c: ConfigResponse, now = new Date()): ServerAcceptanceResult {
  return db.transaction(() => {
    writeState(db, { config: c, configEtag: c.etag })
    return applyServerAcceptances(db, Array.isArray(c.acceptedRisks) ? c.acceptedRisks : [], now)
  })()
}
