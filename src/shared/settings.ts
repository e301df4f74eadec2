import { Type } from 'typebox'
import type { Static, TSchema } from 'typebox'

/**
 * Settings live in the inventory database, one JSON document per section, so the desktop app and
 * `aiscout scan --db FILE` use the same ones. Each section is a TypeBox schema plus defaults in
 * SETTINGS_SECTIONS; a new section (the watcher's schedule, sync's server) is one schema and one
 * registry line, and the app's Settings screen renders it from its own panel.
 */

/**
 * An absolute folder path (POSIX, a Windows drive or a UNC share), bounded by PATH_MAX on Linux
 * (4096 bytes): a relative root would depend on whichever directory a process started in.
 */
const PathString = Type.String({
  minLength: 1,
  maxLength: 4096,
  pattern: '^(/|[A-Za-z]:[\\\\/]|\\\\\\\\)',
})

export const ScanSettingsSchema = Type.Object(
  {
    /** Extra roots to crawl; the home is always a root. */
    roots: Type.Array(PathString, { maxItems: 64 }),
    /** Globs to skip (same syntax as `--exclude`). */
    exclude: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 256 }),
    /** SHA-256 of model files (`--no-hash` turns it off for one run). */
    hash: Type.Boolean(),
    /** Rehash blobs whose name is their digest (`--verify-digests`). */
    verifyDigests: Type.Boolean(),
  },
  { additionalProperties: false },
)

/** Opt-in probes: each one reads or runs something the default scan does not. */
export const ProbeSettingsSchema = Type.Object(
  {
    /** Run `tool --version` when metadata cannot tell (`--run-versions`). */
    runVersions: Type.Boolean(),
    /** One loopback request to identify a local model server (`--identify-servers`). */
    identifyServers: Type.Boolean(),
    /** Read source files for hard-coded keys (`--scan-source`). */
    scanSource: Type.Boolean(),
    /** Look for keys in the scanning process's environment (`--scan-env`). */
    scanEnv: Type.Boolean(),
  },
  { additionalProperties: false },
)

export type ScanSettings = Static<typeof ScanSettingsSchema>
export type ProbeSettings = Static<typeof ProbeSettingsSchema>

type Section<S extends TSchema> = Readonly<{ schema: S; defaults: Static<S> }>

/** The registry of settings sections, in the order the Settings screen shows them. */
export const SETTINGS_SECTIONS = {
  scan: {
    schema: ScanSettingsSchema,
    defaults: { roots: [], exclude: [], hash: true, verifyDigests: false },
  } satisfies Section<typeof ScanSettingsSchema>,
  probes: {
    schema: ProbeSettingsSchema,
    defaults: { runVersions: false, identifyServers: false, scanSource: false, scanEnv: false },
  } satisfies Section<typeof ProbeSettingsSchema>,
} as const

export type SettingsSectionId = keyof typeof SETTINGS_SECTIONS
export const SETTINGS_SECTION_IDS = Object.keys(SETTINGS_SECTIONS) as SettingsSectionId[]

export type Settings = Readonly<{
  [K in SettingsSectionId]: Static<(typeof SETTINGS_SECTIONS)[K]['schema']>
}>
