import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKGROUND_SETTINGS } from '../../src/main/background-settings'
import type { BackgroundSettings } from '../../src/shared/ipc'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import { eventEmitter } from '../helpers/api-shim'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { waitFor } from '../helpers/wait'
import { openApp, shoot } from './helpers/app'
import { rendererSuite, watcherBackground, WATCHER_PROCESS } from './helpers/suite'
import type { OpenApp } from './helpers/app'

/**
 * Settings → Background in Chromium over the background channels of the IPC contract, answered by
 * createBackground (as Electron main wires it) with the real watcher process: every control
 * changes what the controller holds, saves it and survives a reload.
 */
describe.skipIf(!HAS_CHROMIUM)('Settings: the background watcher (Chromium)', () => {
  const s = rendererSuite('aiscout-ui-bg-', [WATCHER_PROCESS])

  it('turns the watcher, quiet mode, the schedule and launch at login on and off', async () => {
    const { home } = makeFakeHome('aiscout-ui-bg-home-')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    const dbPath = join(s.tmp, 'bg.db')
    const saved: BackgroundSettings[] = []
    const logins: boolean[] = []
    let a: OpenApp | undefined
    const bg = watcherBackground({
      baseConfig: { dbPath, home, roots: [], exclude: [], hash: true },
      settings: DEFAULT_BACKGROUND_SETTINGS,
      saveSettings: (v) => void saved.push(v),
      applyLaunchAtLogin: (e) => void logins.push(e),
      scanNow: () => a!.app.handlers['scan:start']({}),
      emit: eventEmitter(() => a?.page),
    })
    try {
      a = await openApp(s.browser, s.url, { dbPath, home, extra: bg.ipc })
      const { page } = a
      bg.start()
      await page.goto(`${s.url}#/settings/background`)
      await page.getByTestId('panel-background').waitFor()
      const state = page.getByTestId('watcher-state')
      await state.getByText(/^Watching \d[\d,]* folders?/).waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('toggle-watcher').isChecked()).toBe(true)
      expect(await page.getByTestId('toggle-login').isChecked()).toBe(false)
      await shoot(page, 'settings-background')

      // Pause until resumed, then resume: the controller and the page agree.
      await page.getByTestId('watcher-pause').click()
      await state.getByText('Paused until you resume it.').waitFor({ timeout: 30_000 })
      expect(bg.status().state).toBe('paused')
      await page.getByTestId('watcher-resume').click()
      await state.getByText(/^Watching/).waitFor({ timeout: 30_000 })

      await page.getByTestId('toggle-quiet').click()
      await waitFor(() => bg.settings().quiet, 'quiet mode on')
      expect(saved.at(-1)).toMatchObject({ quiet: true })

      // Daily at 09:00 by default, then 21:30, then weekly on Friday at that time.
      await page.getByTestId('schedule-kind').selectOption('daily')
      await waitFor(() => bg.settings().schedule.kind === 'daily', 'a daily schedule')
      expect(bg.settings().schedule).toEqual({ kind: 'daily', at: '09:00' })
      await page.getByTestId('schedule-at').fill('21:30')
      await page.getByTestId('schedule-save').click()
      await waitFor(
        () => JSON.stringify(bg.settings().schedule) === '{"kind":"daily","at":"21:30"}',
        'the time saved',
      )
      await page.getByTestId('schedule-kind').selectOption('weekly')
      await page.getByTestId('schedule-day').selectOption('5')
      await waitFor(
        () => JSON.stringify(bg.settings().schedule) === '{"kind":"weekly","day":5,"at":"21:30"}',
        'a weekly schedule on Friday',
      )
      // The schedule's clock restarts when it changes (no catch-up scan for an earlier slot).
      expect(Date.parse(bg.settings().scheduleSince)).toBeGreaterThan(0)

      await page.getByTestId('toggle-login').click()
      await waitFor(() => logins.at(-1) === true, 'launch at login applied')
      expect(bg.settings().launchAtLogin).toBe(true)

      await page.getByTestId('toggle-watcher').click()
      await state.getByText(/^Off/).waitFor({ timeout: 30_000 })
      expect(bg.status().state).toBe('off')

      // A reload reads everything back over IPC.
      await page.reload()
      await page.getByTestId('panel-background').waitFor()
      await page.getByTestId('toggle-quiet').waitFor()
      expect(await page.getByTestId('toggle-watcher').isChecked()).toBe(false)
      expect(await page.getByTestId('toggle-quiet').isChecked()).toBe(true)
      expect(await page.getByTestId('toggle-login').isChecked()).toBe(true)
      expect(await page.getByTestId('schedule-kind').inputValue()).toBe('weekly')
      expect(await page.getByTestId('schedule-day').inputValue()).toBe('5')
      expect(await page.getByTestId('schedule-at').inputValue()).toBe('21:30')
      expect(a.errors).toEqual([])
    } finally {
      await bg.stop()
      await a?.close()
      rmSync(home, { recursive: true, force: true })
    }
  }, 240_000)
})
