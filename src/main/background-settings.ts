import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { BackgroundSettings } from '../shared/ipc'
import { isValidSchedule } from './schedule'
import type { Schedule } from './schedule'

/**
 * The settings of what runs in the background (the watcher, quiet mode, the schedule, launch at
 * login), kept as one JSON file in the app's data folder. Pure Node: read and validated by Electron
 * main, changed from the Settings screen through IPC, tested without Electron.
 */

export const DEFAULT_BACKGROUND_SETTINGS: BackgroundSettings = {
  watcher: true,
  quiet: false,
  budget: 8192,
  schedule: { kind: 'off' },
  scheduleSince: new Date(0).toISOString(),
  // Off by default: starting at login is the user's choice, never the installer's (issue 13).
  launchAtLogin: false,
}

/** Budgets outside this range are refused: below it nothing useful is watched. */
export const BUDGET_RANGE = { min: 64, max: 1_048_576 } as const

export type SettingsCheck =
  Readonly<{ ok: true; settings: BackgroundSettings }> | Readonly<{ ok: false; message: string }>

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Applies a change from the Settings screen to the current settings: every field is checked
 * (the renderer is not trusted to send well-formed values), unknown fields are refused, and a
 * changed schedule restarts its clock (no scan at once for a slot earlier than the change).
 */
export function applySettingsChange(
  current: BackgroundSettings,
  change: unknown,
  now: Date,
): SettingsCheck {
  if (!isObject(change)) return { ok: false, message: 'settings must be an object' }
  const next: { -readonly [K in keyof BackgroundSettings]: BackgroundSettings[K] } = { ...current }
  for (const [k, v] of Object.entries(change)) {
    switch (k) {
      case 'watcher':
      case 'quiet':
      case 'launchAtLogin':
        if (typeof v !== 'boolean') return { ok: false, message: `${k} must be true or false` }
        next[k] = v
        break
      case 'budget':
        if (
          typeof v !== 'number' ||
          !Number.isInteger(v) ||
          v < BUDGET_RANGE.min ||
          v > BUDGET_RANGE.max
        )
          return {
            ok: false,
            message: `budget must be a whole number of folders from ${BUDGET_RANGE.min} to ${BUDGET_RANGE.max}`,
          }
        next.budget = v
        break
      case 'schedule': {
        if (!isObject(v) || !['off', 'daily', 'weekly'].includes(v.kind as string))
          return { ok: false, message: 'schedule must be off, daily or weekly' }
        const s = v as Schedule
        const clean: Schedule =
          s.kind === 'off'
            ? { kind: 'off' }
            : s.kind === 'daily'
              ? { kind: 'daily', at: s.at }
              : { kind: 'weekly', day: s.day, at: s.at }
        if (!isValidSchedule(clean))
          return { ok: false, message: 'schedule needs a time HH:MM (24 h) and a day 0-6' }
        if (JSON.stringify(clean) !== JSON.stringify(current.schedule)) {
          next.schedule = clean
          next.scheduleSince = now.toISOString()
        }
        break
      }
      default:
        return { ok: false, message: `unknown setting ${k}` }
    }
  }
  return { ok: true, settings: next }
}

/**
 * Reads the settings file; a missing file gives the defaults, and a damaged one too, field by
 * field (a bad value never stops the app from starting).
 */
export function loadBackgroundSettings(file: string): BackgroundSettings {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return DEFAULT_BACKGROUND_SETTINGS
  }
  if (!isObject(raw)) return DEFAULT_BACKGROUND_SETTINGS
  let settings = DEFAULT_BACKGROUND_SETTINGS
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'scheduleSince') {
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v)))
        settings = { ...settings, scheduleSince: v }
      continue
    }
    const r = applySettingsChange(settings, { [k]: v }, new Date(0))
    if (r.ok) settings = r.settings
  }
  return settings
}

/** Writes the settings whole (temporary file, then rename: never a half-written file). */
export function saveBackgroundSettings(file: string, s: BackgroundSettings): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 })
  renameSync(tmp, file)
}

/** The argument the app recognises when the OS starts it at login: start in the tray. */
export const HIDDEN_ARG = '--hidden'

/**
 * What Electron's app.setLoginItemSettings is given (macOS login items, Windows Run key; on
 * Linux Electron has none, see loginItemSupported). Started at login, the app opens in the tray
 * only.
 */
export function loginItemSettings(enabled: boolean): {
  openAtLogin: boolean
  openAsHidden: boolean
  args: string[]
} {
  return { openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_ARG] }
}

/** Electron implements login items on macOS and Windows only. */
export const loginItemSupported = (platform: NodeJS.Platform): boolean =>
  platform === 'darwin' || platform === 'win32'

/**
 * Launch at login on Linux, where Electron has no login items: the freedesktop autostart entry
 * (~/.config/autostart, or $XDG_CONFIG_HOME/autostart) that desktop sessions start at login.
 * Written when turned on, removed when turned off. Returns the entry's path.
 */
export function setLinuxAutostart(
  o: Readonly<{ configHome: string; execPath: string; enabled: boolean }>,
): string {
  const file = join(o.configHome, 'autostart', 'ai-scout.desktop')
  if (!o.enabled) {
    rmSync(file, { force: true })
    return file
  }
  // Exec= quoting (Desktop Entry spec): a path with spaces or quotes is double-quoted, with
  // backslash before ", `, $ and \.
  const quoted = /[\s"`$\\]/.test(o.execPath)
    ? `"${o.execPath.replace(/["`$\\]/g, (c) => `\\${c}`)}"`
    : o.execPath
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(
    file,
    [
      '[Desktop Entry]',
      'Type=Application',
      'Name=AI Scout',
      'Comment=Watches this machine for AI assets and their risks',
      `Exec=${quoted} ${HIDDEN_ARG}`,
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n'),
  )
  return file
}
