import Database from 'better-sqlite3'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { acceptRisk, openDb } from '../../src/core'
import { createAppEvents } from '../../src/main/app-events'
import { createBackground } from '../../src/main/background'
import type { Background } from '../../src/main/background'
import { DEFAULT_BACKGROUND_SETTINGS } from '../../src/main/background-settings'
import { createHandlers } from '../../src/main/handlers'
import type { AppHandlers } from '../../src/main/handlers'
import type { Notice } from '../../src/main/notifications'
import type { TrayModel } from '../../src/main/tray-model'
import { createWatcherHost, forkLink } from '../../src/main/watcher-host'
import { acceptedNow } from '../../src/main/watcher-runtime'
import type { BackgroundSettings, IpcEvents } from '../../src/shared/ipc'
import { maliciousPickle, safetensors, write } from '../fixtures/generators/fake-home'
import { testDeps } from '../helpers/handler-deps'
import { isAlive, waitFor } from '../helpers/wait'

const ROOT = resolve(__dirname, '../..')
const PROCESS = join(ROOT, 'out/main/watcher-process.js')
const WORKER = join(ROOT, 'out/main/scan-worker.js')

beforeAll(() => {
  if (!existsSync(PROCESS) || !existsSync(WORKER))
    throw new Error('out/main is missing the watcher process or scan worker: run `npm run build`')
})

const labels = (m: TrayModel | undefined): string[] =>
  (m?.items ?? []).flatMap((i) => (i.kind === 'label' ? [i.text] : []))

/** The app's background logic over a real watcher process, real scans and a fake home. */
function setup(settings: Partial<BackgroundSettings>, onBattery = false) {
  const work = mkdtempSync(join(tmpdir(), 'background-'))
  const home = join(work, 'home')
  write(join(home, 'models', 'a.safetensors'), safetensors())
  mkdirSync(join(home, 'Downloads'))
  const dbPath = join(work, 'inventory.db')
  const out = {
    trays: [] as TrayModel[],
    notices: [] as Notice[],
    emits: [] as Array<[keyof IpcEvents, unknown]>,
    logs: [] as string[],
    logins: [] as boolean[],
    saved: [] as BackgroundSettings[],
    opened: [] as Array<string | undefined>,
    quits: 0,
  }
  // The handlers' pushes go through main's fan-out, as in src/main/index.ts: saved scan settings
  // reach the watcher process.
  const appEvents = createAppEvents({
    toWindow: () => undefined,
    readLastFullScan: () => undefined,
    refreshStatus: () => undefined,
    scanSettingsChanged: () => bg.scanSettingsChanged(),
    watcherChangedInventory: () => undefined,
  })
  const app = createHandlers(testDeps(work, home, { dbPath, emit: appEvents }).deps)
  apps.push(app)
  const host = createWatcherHost({
    spawn: () => forkLink(PROCESS),
    // Messages arrive only after start(), once bg is set.
    onMessage: (m) => bg.onWatcherMessage(m),
  })
  const bg: Background = createBackground({
    host,
    baseConfig: { dbPath, home, roots: [], exclude: [], hash: true },
    settings: { ...DEFAULT_BACKGROUND_SETTINGS, ...settings },
    saveSettings: (s) => out.saved.push(s),
    applyLaunchAtLogin: (e) => out.logins.push(e),
    scanNow: () => app.handlers['scan:start']({}),
    lastFullScan: () => undefined,
    onBattery: async () => onBattery,
    showTray: (m) => out.trays.push(m),
    notify: (n) => out.notices.push(n),
    emit: (c, p) => out.emits.push([c, p]),
    log: (_l, m) => out.logs.push(m),
    openWindow: (v) => out.opened.push(v),
    quit: () => out.quits++,
  })
  backgrounds.push(bg)
  const tray = (): TrayModel | undefined => out.trays.at(-1)
  const changes = (): number => out.emits.filter(([c]) => c === 'inventory:changed').length
  return { bg, host, home, work, dbPath, out, tray, changes, app }
}

const backgrounds: Background[] = []
const apps: AppHandlers[] = []
afterEach(async () => {
  for (const b of backgrounds.splice(0)) await b.stop()
  for (const a of apps.splice(0)) await a.close()
})

describe('the app in the background (createBackground over the real watcher process)', () => {
  it('runs the watcher, notifies, pauses and resumes from the tray, applies settings and never runs two full scans', async () => {
    const t = setup({})
    t.bg.start()
    expect(t.out.logins).toEqual([false])
    await waitFor(() => t.bg.status().state === 'watching', 'watching', 60_000)
    expect(labels(t.tray()).some((l) => /^Watching \d+ folders?$/.test(l))).toBe(true)
    expect(t.tray()!.icon).toBe('ok')
    expect(
      t.out.emits.some(
        ([c, p]) => c === 'watcher:status' && (p as { state: string }).state === 'watching',
      ),
    ).toBe(true)

    // A malicious pickle dropped into Downloads: a notice, a push to the window, the tray turns.
    writeFileSync(join(t.home, 'Downloads', 'evil.pkl'), maliciousPickle())
    await waitFor(() => t.out.notices.length > 0, 'a notice', 60_000)
    expect(t.out.notices[0]).toMatchObject({ urgency: 'critical', open: { kind: 'finding' } })
    await waitFor(() => t.changes() > 0, 'an inventory:changed push')
    await waitFor(() => t.tray()!.icon === 'findings', 'the findings icon')
    expect(labels(t.tray())[0]).toMatch(/1 critical finding needs attention/)

    await t.bg.onTrayAction('pause-hour')
    await waitFor(() => t.bg.status().state === 'paused', 'paused')
    const until = t.bg.status().pausedUntil!
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(60_000)
    expect(labels(t.tray()).some((l) => l.startsWith('Watcher paused until'))).toBe(true)
    await t.bg.onTrayAction('resume')
    await waitFor(() => t.bg.status().state === 'watching', 'resumed')

    // Quiet mode: changes still arrive, notices do not.
    const r = await t.bg.ipc['settings:set-background']({ quiet: true, launchAtLogin: true })
    expect(r.ok).toBe(true)
    expect(t.out.saved.at(-1)).toMatchObject({ quiet: true, launchAtLogin: true })
    expect(t.out.logins).toEqual([false, true])
    expect(await t.bg.ipc['settings:set-background']({ budget: 3 })).toMatchObject({ ok: false })
    const before = t.changes()
    await new Promise((res) => setTimeout(res, 500))
    writeFileSync(join(t.home, 'Downloads', 'evil2.pkl'), maliciousPickle())
    await waitFor(() => t.changes() > before, 'the second pickle scanned', 60_000)
    // Notices are planned right after the change is pushed: give one the time to arrive.
    await new Promise((res) => setTimeout(res, 1000))
    expect(t.out.notices).toHaveLength(1)

    // Scan now from the tray and the window at once: one full scan, the other refused.
    const [a, b] = await Promise.all([t.bg.scanNow(), t.bg.scanNow()])
    expect([a.kind, b.kind].sort()).toEqual(['complete', 'failed'])
    expect((a.kind === 'failed' ? a : b) as { message: string }).toMatchObject({
      message: 'a full scan is already running',
    })
    expect(t.out.trays.some((m) => m.icon === 'scanning')).toBe(true)
    await waitFor(() => t.bg.status().state === 'watching', 'watching after the scan')

    await t.bg.onTrayAction('open')
    await t.bg.onTrayAction('open-findings')
    await t.bg.onTrayAction('quit')
    expect(t.out.opened).toEqual([undefined, 'findings'])
    expect(t.out.quits).toBe(1)

    // Turning the watcher off stops its process.
    const pid = (t.host as unknown as { pid(): number | undefined }).pid()!
    await t.bg.ipc['settings:set-background']({ watcher: false })
    await waitFor(() => !t.host.running(), 'the watcher process stopped', 30_000)
    expect(isAlive(pid)).toBe(false)
    expect(t.bg.status().state).toBe('off')
    await waitFor(() => labels(t.tray()).includes('Watcher off'), 'the tray saying so')
  }, 240_000)

  it('watches a root saved in Settings and stops watching it when it is removed, with no restart', async () => {
    const t = setup({})
    t.bg.start()
    await waitFor(() => t.bg.status().state === 'watching', 'watching', 60_000)
    const pid = (t.host as unknown as { pid(): number | undefined }).pid()!
    const drive = join(t.work, 'drive')
    write(join(drive, 'ckpt', 'old.safetensors'), safetensors())
    const folders = t.bg.status().folders
    const saved = (await t.app.handlers['settings:get']()).settings.scan
    await t.app.handlers['settings:update']({
      section: 'scan',
      value: { ...saved, roots: [drive] },
    })
    const inv = new Database(t.dbPath, { readonly: true })
    const status = (): string | undefined =>
      (
        inv
          .prepare(`SELECT status FROM assets WHERE path = ?`)
          .get(join(drive, 'ckpt', 'old.safetensors')) as { status: string } | undefined
      )?.status
    await waitFor(() => status() === 'present', 'the model already in the saved root', 60_000)
    await waitFor(() => t.bg.status().folders >= folders + 2, 'the root watched', 60_000)
    // The push to the window follows the commit (the watcher process's message).
    await waitFor(
      () =>
        t.out.emits.some(
          ([c, p]) =>
            c === 'inventory:changed' && (p as { trigger?: string }).trigger === 'settings',
        ),
      'the push named after the saved settings',
    )
    // A file dropped into the saved root is found.
    writeFileSync(join(drive, 'ckpt', 'evil.pkl'), maliciousPickle())
    await waitFor(() => t.out.notices.length > 0, 'the notice from the saved root', 60_000)
    expect(t.out.notices[0]!.body).toContain(join(drive, 'ckpt', 'evil.pkl'))

    await t.app.handlers['settings:update']({ section: 'scan', value: { ...saved, roots: [] } })
    await waitFor(() => t.bg.status().folders === folders, 'the root unwatched', 60_000)
    await waitFor(() => status() === 'gone', "the removed root's model gone", 60_000)
    inv.close()
    // The same watcher process all along.
    expect((t.host as unknown as { pid(): number | undefined }).pid()).toBe(pid)
  }, 180_000)

  it('runs a due scheduled full scan in the watcher process', async () => {
    const slot = new Date(Date.now() - 60_000)
    const at = `${String(slot.getHours()).padStart(2, '0')}:${String(slot.getMinutes()).padStart(2, '0')}`
    const t = setup({
      schedule: { kind: 'daily', at },
      scheduleSince: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    })
    t.bg.start()
    await waitFor(
      () => t.out.logs.includes('scheduled full scan: complete'),
      'the scheduled scan',
      120_000,
    )
    expect(t.out.logs.some((l) => /^scheduled scan for .*: started$/.test(l))).toBe(true)
    expect(t.out.trays.some((m) => m.icon === 'scanning')).toBe(true)
    // The same slot is not scanned again on wake.
    await t.bg.wake()
    expect(t.out.logs.filter((l) => l.endsWith(': started'))).toHaveLength(1)
  }, 180_000)

  it('skips a scheduled scan on battery and starts no watcher when it is off', async () => {
    const slot = new Date(Date.now() - 60_000)
    const at = `${String(slot.getHours()).padStart(2, '0')}:${String(slot.getMinutes()).padStart(2, '0')}`
    const t = setup(
      {
        watcher: false,
        schedule: { kind: 'daily', at },
        scheduleSince: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      },
      true,
    )
    t.bg.start()
    await waitFor(() => t.out.logs.some((l) => l.endsWith('skipped (on-battery)')), 'the skip')
    expect(t.host.running()).toBe(false)
    expect(t.bg.status().state).toBe('off')
    expect(labels(t.tray())).toContain('Watcher off')
    await expect(t.bg.ipc['watcher:pause']({ until: Date.now() - 1 })).rejects.toThrow(/future/)
  })

  it('never notifies a finding whose risk the user accepted (migration 0060), even when it reopens', async () => {
    const t = setup({})
    t.bg.start()
    await waitFor(() => t.bg.status().state === 'watching', 'watching', 60_000)
    const evil = join(t.home, 'Downloads', 'evil.pkl')
    writeFileSync(evil, maliciousPickle())
    await waitFor(() => t.out.notices.length > 0, 'the first notice', 60_000)
    const first = t.out.notices[0]!.open
    expect(first.kind).toBe('finding')
    const id = (first as { id: string }).id

    // The user accepts it (what the Findings screen's Accept risk writes).
    const db = openDb(t.dbPath)
    try {
      acceptRisk(db, { findingId: id, note: 'a test fixture we keep', acceptedBy: 'tester' })
      expect(acceptedNow(db, id)).toBe(true)
    } finally {
      db.close()
    }
    // Deleted (resolved), then back with the same bytes: the same finding opens again.
    let before = t.changes()
    rmSync(evil)
    await waitFor(() => t.changes() > before, 'the deletion rescanned', 60_000)
    before = t.changes()
    writeFileSync(evil, maliciousPickle())
    await waitFor(() => t.changes() > before, 'the pickle back and rescanned', 60_000)
    // A new, unaccepted pickle still notifies: once its notice is here, the reopened one had its
    // chance (notices follow each rescan in order).
    writeFileSync(join(t.home, 'Downloads', 'other.pkl'), maliciousPickle())
    await waitFor(() => t.out.notices.length > 1, 'the notice of the unaccepted pickle', 60_000)
    const ids = t.out.notices
      .slice(1)
      .flatMap((n) => (n.open.kind === 'finding' ? [n.open.id] : n.open.ids))
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).not.toContain(id)
  }, 240_000)
})
