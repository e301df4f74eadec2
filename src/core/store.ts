/**
 * The light entry of the core library: the inventory database without the scanning engine.
 * Opening, reading and querying the inventory need none of the scanners, discovery or
 * report writers, and loading them is most of core's start-up cost: in the built Electron main
 * bundle this entry is a 78 KB chunk (the store, the query layer, the rule table) against the
 * engine's 360 KB, and loads in about a tenth of the time. The Electron main process imports
 * this entry so its window is not held up, and runs scans in a worker that loads the full one.
 * `src/core/index.ts` re-exports everything here.
 *
 * @packageDocumentation
 */

/** Opens (creating and migrating if needed) an inventory database; the default per-user path. */
export { openDb, openDbForReading, defaultDbPath, StoreError } from './storage/db'
export type { Db } from './storage/db'
/** Streams the latest inventory (every asset, finding, skip) for exports. */
export { openInventoryReader, NoScanError } from './storage/inventory-reader'
export { arrayInventory, acceptanceOf, INVENTORY_SCHEMA_VERSION } from './inventory'
export type { InventoryReader } from './inventory'
/** This installation's id (a random UUID kept in the inventory), for sync. */
export { installationId } from './storage/installation-id'

/**
 * The query layer: paged, sorted, filtered assets and findings, details, overview, scan history
 * and scan differences (see src/core/query/index.ts; its types are in src/shared/query.ts).
 */
export {
  queryAssets,
  countAssets,
  queryFindings,
  countFindings,
  findingGroups,
  assetDetail,
  findingDetail,
  overview,
  scanHistory,
  scanDiff,
  refreshDerived,
  QueryError,
} from './query'
export type { RefreshResult } from './query'
export * from '../shared/query'
export * from './types'
/** Errors opening an inventory a newer AI Scout wrote. */
export { NewerDatabaseError } from './storage/migrations'
/** Settings saved in the inventory (the app's Settings screen; `aiscout scan --db` honours them). */
export {
  SETTINGS_SECTIONS,
  SETTINGS_SECTION_IDS,
  readSettings,
  writeSettingsSection,
  explainSettings,
  isSettingsSection,
  scanOptionsFromSettings,
  SettingsError,
} from './settings'
export type { Settings, SettingsSectionId, RunOverrides } from './settings'
/**
 * Accepted risk: a finding the user accepted (or the security team, on the server), with a note
 * and an optional expiry.
 */
export {
  acceptRisk,
  reopenRisk,
  acceptanceOf as storedAcceptance,
  serverAcceptanceOf,
  activeAcceptances,
  localAcceptances,
  applyServerAcceptances,
  isExpired,
  acceptedSql,
  AcceptRiskError,
  MAX_NOTE_LENGTH,
} from './storage/accepted-risks'
export type { AcceptedRisk, AcceptanceSource, ServerAcceptance } from './storage/accepted-risks'
/** Empties the inventory (settings and accepted risks stay). */
export { clearInventory } from './storage/clear'
/** TypeBox schemas compiled by Ajv: the one runtime check for data crossing a boundary. */
export { compileSchema } from './util/schema'
export type { Checker } from './util/schema'

/**
 * The change log: every change scans applied to assets and findings, numbered by a sequence that
 * only grows; named consumers acknowledge positions, compaction never passes them. See
 * storage/change-log.ts.
 */
export {
  ackChanges,
  ChangeLogError,
  CHANGE_LOG_KEEP_DAYS,
  changeConsumers,
  compactChanges,
  deltaRecords,
  getChangeConsumer,
  latestChangeSeq,
  MAX_CHANGE_PAGE,
  readChanges,
  registerChangeConsumer,
  removeChangeConsumer,
} from './storage/change-log'
export type {
  Change,
  ChangeConsumer,
  ChangePage,
  CompactionPolicy,
  DeltaRecords,
} from './storage/change-log'
