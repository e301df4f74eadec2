import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  SETTINGS_SECTIONS,
  SettingsError,
  readSettings,
  scanOptionsFromSettings,
  writeSettingsSection,
} from '../../../src/core/settings'
import { openDb } from '../../../src/core/storage/db'

describe('settings stored in the inventory database', () => {
  const dirs: string[] = []
  const tmpDb = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-settings-'))
    dirs.push(d)
    return join(d, 'inv.db')
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('starts from the defaults and persists a section across reopening the file', () => {
    const file = tmpDb()
    const db = openDb(file)
    expect(readSettings(db)).toEqual({
      scan: SETTINGS_SECTIONS.scan.defaults,
      probes: SETTINGS_SECTIONS.probes.defaults,
    })
    writeSettingsSection(db, 'scan', {
      roots: ['/srv/models'],
      exclude: ['**/Downloads/**'],
      hash: false,
      verifyDigests: true,
    })
    db.close()
    const again = openDb(file)
    expect(readSettings(again).scan).toEqual({
      roots: ['/srv/models'],
      exclude: ['**/Downloads/**'],
      hash: false,
      verifyDigests: true,
    })
    expect(readSettings(again).probes).toEqual(SETTINGS_SECTIONS.probes.defaults)
    again.close()
  })

  it('refuses a value that does not match the section schema and keeps the stored one', () => {
    const db = openDb(tmpDb())
    const bad = { roots: 'not a list', exclude: [], hash: true, verifyDigests: false }
    expect(() => writeSettingsSection(db, 'scan', bad as never)).toThrow(SettingsError)
    expect(() =>
      writeSettingsSection(db, 'probes', {
        ...SETTINGS_SECTIONS.probes.defaults,
        extra: 1,
      } as never),
    ).toThrow(/unknown field "extra"/)
    expect(readSettings(db).scan).toEqual(SETTINGS_SECTIONS.scan.defaults)
    db.close()
  })

  it('accepts only absolute roots (POSIX, a Windows drive, a UNC share)', () => {
    const db = openDb(tmpDb())
    const roots = (r: string) => ({ roots: [r], exclude: [], hash: true, verifyDigests: false })
    for (const ok of ['/srv/models', 'C:\\Models', 'd:/models', '\\\\nas\\share'])
      expect(() => writeSettingsSection(db, 'scan', roots(ok))).not.toThrow()
    for (const bad of ['models', './models', 'C:models', ''])
      expect(() => writeSettingsSection(db, 'scan', roots(bad))).toThrow(SettingsError)
    db.close()
  })

  it('falls back to the defaults for a row that is not valid JSON or not valid settings', () => {
    const db = openDb(tmpDb())
    db.prepare(`INSERT INTO app_settings (section, value, updated_at) VALUES (?, ?, ?)`).run(
      'scan',
      '{not json',
      'x',
    )
    db.prepare(`INSERT INTO app_settings (section, value, updated_at) VALUES (?, ?, ?)`).run(
      'probes',
      JSON.stringify({ runVersions: 'yes' }),
      'x',
    )
    expect(readSettings(db)).toEqual({
      scan: SETTINGS_SECTIONS.scan.defaults,
      probes: SETTINGS_SECTIONS.probes.defaults,
    })
    db.close()
  })

  it("merges a run's flags with the stored settings the same way for the CLI and the app", () => {
    const s = {
      scan: { roots: ['/a', '/b'], exclude: ['*.tmp'], hash: true, verifyDigests: false },
      probes: { runVersions: true, identifyServers: false, scanSource: false, scanEnv: false },
    }
    expect(
      scanOptionsFromSettings(s, {
        roots: ['/b', '/c'],
        exclude: ['*.bak'],
        hash: false,
        scanEnv: true,
      }),
    ).toEqual({
      roots: ['/a', '/b', '/c'],
      exclude: ['*.tmp', '*.bak'],
      hash: false,
      verifyDigests: false,
      runVersionCommands: true,
      identifyServers: false,
      scanSource: false,
      scanEnvironment: true,
    })
    expect(scanOptionsFromSettings(s).hash).toBe(true)
  })
})
