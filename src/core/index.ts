/**
 * The public entry of the AI Scout core library: shells (CLI, Electron worker, server, benches)
 * import from here. Plain Node: no electron, react or fastify; returns data, never prints.
 */
export { scan } from './engine/scan'
export type { ScanHooks, ScanOptions, ScanSummary } from './engine/scan'
export { openDb, defaultDbPath, StoreError } from './storage/db'
export type { Db } from './storage/db'
export { beginScan, installationSecret } from './storage/inventory-store'
export { openInventoryReader, NoScanError } from './storage/inventory-reader'
export { scanModelFile } from './scanners/scan-file'
export {
  isModelCandidate,
  modelFilesUnder,
  modelReportJson,
  modelScanExitCode,
  scanModelPaths,
  ScanCancelledError,
  sharedCancelSignal,
} from './model-scan'
export type { CancelSignal, ModelFileReport, ModelScanOptions } from './model-scan'
export { modelReportsInventory } from './model-scan-inventory'
export { sha256File } from './util/hash'
export { RULES, findRule, getRule } from './rules'
export { createSecretScanner, createSecretsPass, secretFileKind } from './secrets'
export { writeReport, REPORT_FORMATS } from './report'
export type { InventoryReader } from './inventory'
export * from './types'
