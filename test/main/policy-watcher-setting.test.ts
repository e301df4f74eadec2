import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb, POLICY_ORIGIN, scan } from '../../src/core'
import type { Db } from '../../src/core'
import { createBackground } from '../../src/main/background'
import { DEFAULT_BACKGROUND_SETTINGS } from '../../src/main/background-settings'
import { createHandlers } from '../../src/main/handlers'
import type { AppHandlers } from '../../src/main/handlers'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import { testDeps } from '../helpers/handler-deps'
import { fakeHomeScanOptions } from '../helpers/scan-options'

/** A fleet policy requiring the background watcher, as a sync would have stored it. */
function requireWatcher(db: Db): void {
  const policy = {
    id: 'pol_watch',
    name: 'Watcher on',
    enabled: true,
    severity: 'medium',
    rule: { type: 'scan-settings', watcher: true },
  }
  db.prepare(
    `INSERT INTO sync_state (key, value) VALUES ('config', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(JSON.stringify({ etag: '"w"', policies: [policy], acceptedRisks: [] }))
}

const openPolicyFindings = (db: Db) =>
  db
    .prepare(
      `SELECT path, message FROM findings WHERE origin = ? AND status = 'open' ORDER BY path`,
    )
    .all(POLICY_ORIGIN) as { path: string; message: string }[]

/** A host that must never be started: with the watcher off, none is. */
const idleHost = {
  start: () => {
    throw new Error('the watcher was started while turned off')
  },
  send: () => undefined,
  fullScan: async () => 'complete' as const,
  stop: async () => undefined,
  running: () => false,
}

describe('the watcher setting reaches fleet policies', () => {
  const apps: AppHandlers[] = []
  afterAll(async () => {
    for (const a of apps) await a.close()
  })

  it('a watcher turned off in Settings is a policy finding that says so; turned on, it is resolved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-policy-watcher-'))
    const fake = makeFakeHome()
    const t = testDeps(dir, fake.home)
    const db = openDb(t.deps.dbPath)
    await scan(db, fakeHomeScanOptions(fake.home))
    requireWatcher(db)
    const app = createHandlers(t.deps)
    apps.push(app)

    // The app starts with the watcher off: the background logic records it at start.
    const recorded: boolean[] = []
    const bg = createBackground({
      host: idleHost,
      baseConfig: { dbPath: t.deps.dbPath, home: fake.home, roots: [], exclude: [], hash: true },
      settings: { ...DEFAULT_BACKGROUND_SETTINGS, watcher: false },
      saveSettings: () => undefined,
      applyLaunchAtLogin: () => undefined,
      watcherSetting: (on) => {
        recorded.push(on)
        void app.watcherSettingChanged(on)
      },
      scanNow: async () => ({ kind: 'failed', message: 'not in this test' }),
      lastFullScan: () => undefined,
      onBattery: async () => false,
      showTray: () => undefined,
      notify: () => undefined,
      emit: () => undefined,
      log: () => undefined,
      openWindow: () => undefined,
      quit: () => undefined,
    })
    bg.start()
    expect(recorded).toEqual([false])
    await expect.poll(() => openPolicyFindings(db).length).toBe(1)
    expect(openPolicyFindings(db)[0]).toEqual({
      path: 'settings:background.watcher',
      message: expect.stringMatching(/turned off in the desktop app/),
    })
    // The window and the next sync hear of it.
    await expect
      .poll(() =>
        t.events.some(
          ([c, p]) => c === 'inventory:changed' && (p as { reason: string }).reason === 'policy',
        ),
      )
      .toBe(true)

    // Saving another background setting does not record it again; no change, no event.
    const events = t.events.length
    await bg.ipc['settings:set-background']({ quiet: true })
    expect(recorded).toEqual([false])

    // Turned on (as the Settings screen's toggle does through the same method).
    await app.watcherSettingChanged(true)
    expect(openPolicyFindings(db)).toEqual([])
    await app.watcherSettingChanged(true)
    expect(
      t.events
        .slice(events)
        .filter(
          ([c, p]) => c === 'inventory:changed' && (p as { reason: string }).reason === 'policy',
        ),
    ).toHaveLength(1)
    await bg.stop()
    db.close()
  })
})
