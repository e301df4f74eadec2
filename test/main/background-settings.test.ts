import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  applySettingsChange,
  DEFAULT_BACKGROUND_SETTINGS,
  HIDDEN_ARG,
  loadBackgroundSettings,
  loginItemSettings,
  loginItemSupported,
  saveBackgroundSettings,
  setLinuxAutostart,
} from '../../src/main/background-settings'

const now = new Date('2026-03-02T10:00:00Z')

describe('background settings', () => {
  it('start with the watcher on, notifications on, no schedule and launch at login off', () => {
    expect(DEFAULT_BACKGROUND_SETTINGS).toMatchObject({
      watcher: true,
      quiet: false,
      budget: 8192,
      schedule: { kind: 'off' },
      launchAtLogin: false,
    })
  })

  it('accept well-formed changes and restart the schedule clock only when the schedule changes', () => {
    const a = applySettingsChange(
      DEFAULT_BACKGROUND_SETTINGS,
      { quiet: true, launchAtLogin: true, budget: 2048, schedule: { kind: 'daily', at: '09:30' } },
      now,
    )
    expect(a).toEqual({
      ok: true,
      settings: {
        watcher: true,
        quiet: true,
        budget: 2048,
        launchAtLogin: true,
        schedule: { kind: 'daily', at: '09:30' },
        scheduleSince: now.toISOString(),
      },
    })
    if (!a.ok) return
    const later = new Date('2026-03-03T10:00:00Z')
    const b = applySettingsChange(a.settings, { schedule: { kind: 'daily', at: '09:30' } }, later)
    expect(b.ok && b.settings.scheduleSince).toBe(now.toISOString())
    const c = applySettingsChange(
      a.settings,
      { schedule: { kind: 'weekly', day: 1, at: '22:00', extra: 'dropped' } },
      later,
    )
    expect(c.ok && c.settings.schedule).toEqual({ kind: 'weekly', day: 1, at: '22:00' })
    expect(c.ok && c.settings.scheduleSince).toBe(later.toISOString())
  })

  it.each([
    [null, /object/],
    [{ watcher: 'yes' }, /watcher must be true or false/],
    [{ budget: 10 }, /budget must be/],
    [{ budget: 1.5e9 }, /budget must be/],
    [{ budget: 100.5 }, /budget must be/],
    [{ schedule: { kind: 'hourly' } }, /off, daily or weekly/],
    [{ schedule: { kind: 'daily', at: '25:00' } }, /HH:MM/],
    [{ schedule: { kind: 'weekly', day: 7, at: '10:00' } }, /day 0-6/],
    [{ scheduleSince: '2020-01-01' }, /unknown setting scheduleSince/],
    [{ roots: ['/'] }, /unknown setting roots/],
  ])('refuse %j with a clear message', (change, message) => {
    const r = applySettingsChange(DEFAULT_BACKGROUND_SETTINGS, change, now)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).toMatch(message)
  })

  it('survive a save and load, and a missing or damaged file gives the defaults field by field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-settings-'))
    const file = join(dir, 'sub', 'background.json')
    expect(loadBackgroundSettings(file)).toEqual(DEFAULT_BACKGROUND_SETTINGS)
    const r = applySettingsChange(
      DEFAULT_BACKGROUND_SETTINGS,
      { watcher: false, schedule: { kind: 'weekly', day: 3, at: '12:00' } },
      now,
    )
    if (!r.ok) throw new Error(r.message)
    saveBackgroundSettings(file, r.settings)
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadBackgroundSettings(file)).toEqual(r.settings)

    writeFileSync(file, '{ not json')
    expect(loadBackgroundSettings(file)).toEqual(DEFAULT_BACKGROUND_SETTINGS)
    writeFileSync(
      file,
      JSON.stringify({ quiet: true, budget: -1, launchAtLogin: 'on', scheduleSince: 'never' }),
    )
    expect(loadBackgroundSettings(file)).toEqual({ ...DEFAULT_BACKGROUND_SETTINGS, quiet: true })
  })

  it('launch at login: login items start the app hidden in the tray, where Electron has them', () => {
    expect(loginItemSettings(true)).toEqual({
      openAtLogin: true,
      openAsHidden: true,
      args: [HIDDEN_ARG],
    })
    expect(loginItemSettings(false).openAtLogin).toBe(false)
    expect(loginItemSupported('darwin')).toBe(true)
    expect(loginItemSupported('win32')).toBe(true)
    expect(loginItemSupported('linux')).toBe(false)
  })

  it('launch at login on Linux: an XDG autostart entry written when on and removed when off', () => {
    const configHome = mkdtempSync(join(tmpdir(), 'xdg-'))
    const file = setLinuxAutostart({
      configHome,
      execPath: '/opt/AI Scout/ai-scout',
      enabled: true,
    })
    expect(file).toBe(join(configHome, 'autostart', 'ai-scout.desktop'))
    const text = readFileSync(file, 'utf8')
    expect(text.split('\n')[0]).toBe('[Desktop Entry]')
    expect(text).toContain('Type=Application\n')
    expect(text).toContain(`Exec="/opt/AI Scout/ai-scout" ${HIDDEN_ARG}\n`)
    setLinuxAutostart({ configHome, execPath: '/usr/bin/ai-scout', enabled: true })
    expect(readFileSync(file, 'utf8')).toContain(`Exec=/usr/bin/ai-scout ${HIDDEN_ARG}\n`)
    setLinuxAutostart({ configHome, execPath: '/usr/bin/ai-scout', enabled: false })
    expect(existsSync(file)).toBe(false)
    // Turning off what is already off is fine.
    setLinuxAutostart({ configHome, execPath: '/usr/bin/ai-scout', enabled: false })
  })
})
