/**
 * The public entry of the AI Scout core library. Shells (the CLI, the Electron main process and
 * its workers, the server, the benchmarks) import core only from here; `eslint.config.mjs`
 * enforces it. Plain Node: no electron, react or fastify; it returns data and never prints.
 *
 * The data types every side shares (assets, findings, kinds, severities, progress) come from the
 * leaf module `src/shared/types.ts` and are re-exported here (through `./store`), so a shell
 * needs one import. `src/core/store.ts` is the one sub-entry: the inventory database without the
 * scanning engine, for processes whose start-up time matters (the Electron main process).
 *
 * @packageDocumentation
 */

// --- Scanning a machine --------------------------------------------------------------------

/**
 * Runs one scan (locators, crawl, model analysis, secrets, probes) and merges its result into the
 * inventory in one transaction; a cancelled or failed scan leaves the previous inventory as it was.
 */
export { scan } from './engine/scan'
export type { ScanHooks, ScanOptions, ScanSummary } from './engine/scan'
/** Facts about this machine and user, as recorded with each scan. */
export { hostInfo } from './engine/host'

// --- The inventory database ----------------------------------------------------------------

/** Opening and reading the inventory: everything in the light entry (src/core/store.ts). */
export * from './store'
/** Low-level writer of one scan's rows (the engine and the store benchmark use it). */
export { beginScan, installationSecret } from './storage/inventory-store'
export { ScopeError } from './engine/scope'
export type { InventoryWriter } from './storage/inventory-writer'

// --- Model files ---------------------------------------------------------------------------

/** Statically scans one model file (never loads or runs it) and returns its verdict and findings. */
export { scanModelFile } from './scanners/scan-file'
export type { ModelFinding, ModelFormat } from './scanners/types'
/** `aiscout scan-model` as a library: everything in the light entry (src/core/model-scan.ts). */
export * from './model-scan'
/** File extensions that suggest a model (a hint: content decides). */
export { MODEL_EXTENSIONS } from './scanners/registry'
/** Model reports as an inventory for the report writers (SARIF). */
export { modelReportsInventory } from './model-scan-inventory'
/** Model repositories: custom code (trust_remote_code) and config instantiation checks. */
export {
  analyzeRepository,
  isModelRepository,
  listRepositoryFiles,
} from './scanners/repo/analyze-repo'
export type { RepoFile, RepoFinding, RepositoryReport } from './scanners/repo/analyze-repo'
export { repositoryJson } from './scanners/repo/report'
export { sha256File } from './util/hash'

// --- Identity ------------------------------------------------------------------------------

/** How asset and finding ids are derived (stable across rescans on one machine). */
export { assetIdFor, findingIdFor } from './util/ids'

// --- Rules, secrets, reports ---------------------------------------------------------------

/** The one rule table (id, severity, title, why, fix) that scanners, reports and the UI read. */
export { RULES, findRule, getRule } from './rules'
export type { Rule, RuleDomain } from './rules'
/** The power source, read by the trusted system-probe child (never through the user's PATH). */
export { onBatteryPower } from './discovery/system/si-worker'
export { createSecretScanner, createSecretsPass, scrubText, secretFileKind } from './secrets'
/** Writes an inventory as json, csv, sarif, cyclonedx or html to a stream. */
export { writeReport, REPORT_FORMATS, isReportFormat, CycloneDxValidationError } from './report'
export type { ReportFormat, ReportOptions } from './report'

// --- Fleet policies ------------------------------------------------------------------------

/** Policies pushed by the server, evaluated on this device into findings (src/core/policy). */
export * from './policy'

// --- Sync with the central server ----------------------------------------------------------

/** The sync client: outbox, planner, enrollment (src/core/sync; used by the CLI and the app). */
export * from './sync'

// --- The background watcher ----------------------------------------------------------------

/** Watches what matters within a budget of OS watches and drives scoped rescans (src/core/watch). */
export * from './watch'
