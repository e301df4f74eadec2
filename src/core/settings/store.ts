import type { Db } from '../storage/db'
import { compileSchema } from '../util/schema'
import type { Checker } from '../util/schema'
import { SETTINGS_SECTIONS, SETTINGS_SECTION_IDS } from '../../shared/settings'
import type { Settings, SettingsSectionId } from '../../shared/settings'

export class SettingsError extends Error {}

const checkers = new Map<SettingsSectionId, Checker<unknown>>()
function checker(id: SettingsSectionId): Checker<unknown> {
  let c = checkers.get(id)
  if (!c) {
    c = compileSchema(SETTINGS_SECTIONS[id].schema)
    checkers.set(id, c)
  }
  return c
}

export function isSettingsSection(s: string): s is SettingsSectionId {
  return Object.prototype.hasOwnProperty.call(SETTINGS_SECTIONS, s)
}

/** Why `value` is not a valid `section`, or undefined when it is. */
export function explainSettings(section: SettingsSectionId, value: unknown): string | undefined {
  return checker(section).explain(value)
}

/**
 * Every section, stored values over defaults. A stored section that no longer matches its schema
 * (written by a newer version, or edited by hand) falls back to its defaults rather than feeding
 * a scan something it cannot use.
 */
export function readSettings(db: Db): Settings {
  const rows = db.prepare(`SELECT section, value FROM app_settings`).all() as {
    section: string
    value: string
  }[]
  const stored = new Map(rows.map((r) => [r.section, r.value]))
  const out: Record<string, unknown> = {}
  for (const id of SETTINGS_SECTION_IDS) {
    const defaults = SETTINGS_SECTIONS[id].defaults
    const raw = stored.get(id)
    let value: unknown = defaults
    if (raw !== undefined) {
      try {
        // A section gains fields over time: defaults fill in what an older row lacks.
        const parsed = { ...defaults, ...(JSON.parse(raw) as object) }
        if (checker(id).check(parsed)) value = parsed
      } catch {
        // Not JSON: keep the defaults.
      }
    }
    out[id] = value
  }
  return out as Settings
}

/** Replaces one section after validating it; returns every section as now stored. */
export function writeSettingsSection<K extends SettingsSectionId>(
  db: Db,
  section: K,
  value: Settings[K],
  now = new Date(),
): Settings {
  const why = explainSettings(section, value)
  if (why) throw new SettingsError(`invalid ${section} settings: ${why}`)
  db.prepare(
    `INSERT INTO app_settings (section, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(section, JSON.stringify(value), now.toISOString())
  return readSettings(db)
}
