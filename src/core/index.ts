/**
 * The public entry of the AI Scout core library: shells (CLI, Electron worker, server, benches)
 * import from here. Plain Node: no electron, react or fastify; returns data, never prints.
 */
export { scan } from './engine/scan'
export type { ScanHooks, ScanOptions, ScanSummary } from './engine/scan'
export { openDb, defaultDbPath, StoreError } from './storage/db'
export { NewerDatabaseError } from './storage/migrations'
export type { Db } from './storage/db'
export { beginScan, installationSecret } from './storage/inventory-store'
export { openInventoryReader, NoScanError } from './storage/inventory-reader'
export { scanModelFile } from './scanners/scan-file'
export { sha256File } from './util/hash'
export { RULES, findRule, getRule } from './rules'
export { createSecretScanner, createSecretsPass, secretFileKind } from './secrets'
export { writeReport, REPORT_FORMATS } from './report'
export type { ReportFormat } from './report'
export type { InventoryReader } from './inventory'
export * from './types'
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
export {
  acceptRisk,
  reopenRisk,
  acceptanceOf as storedAcceptance,
  activeAcceptances,
  isExpired,
  acceptedSql,
  AcceptRiskError,
  MAX_NOTE_LENGTH,
} from './storage/accepted-risks'
export type { AcceptedRisk } from './storage/accepted-risks'
export { clearInventory } from './storage/clear'
export { compileSchema } from './util/schema'
export type { Checker } from './util/schema'
