import type { Settings } from '../../shared/settings'

/** What a single run asks for on top of the stored settings (CLI flags, the app's "rescan"). */
export type RunOverrides = Readonly<{
  roots?: readonly string[]
  exclude?: readonly string[]
  /** false: `--no-hash` for this run. */
  hash?: boolean
  verifyDigests?: boolean
  runVersions?: boolean
  identifyServers?: boolean
  scanSource?: boolean
  scanEnv?: boolean
}>

export type SettingsScanOptions = Readonly<{
  roots: readonly string[]
  exclude: readonly string[]
  hash: boolean
  verifyDigests: boolean
  runVersionCommands: boolean
  identifyServers: boolean
  scanSource: boolean
  scanEnvironment: boolean
}>

/**
 * Stored settings merged with one run's flags, the same way for the CLI and the app: lists are
 * united (a flag adds a root, it does not drop the saved ones), `--no-hash` wins over the
 * setting, and a probe runs when either the setting or the flag allows it.
 */
export function scanOptionsFromSettings(s: Settings, run: RunOverrides = {}): SettingsScanOptions {
  return {
    roots: unique([...s.scan.roots, ...(run.roots ?? [])]),
    exclude: unique([...s.scan.exclude, ...(run.exclude ?? [])]),
    hash: run.hash === false ? false : s.scan.hash,
    verifyDigests: run.verifyDigests === true || s.scan.verifyDigests,
    runVersionCommands: run.runVersions === true || s.probes.runVersions,
    identifyServers: run.identifyServers === true || s.probes.identifyServers,
    scanSource: run.scanSource === true || s.probes.scanSource,
    scanEnvironment: run.scanEnv === true || s.probes.scanEnv,
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)]
}
