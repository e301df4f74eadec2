import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFakeHome, write } from '../fixtures/generators/fake-home'
import type { FakeHome } from '../fixtures/generators/fake-home'
import { HAS_CHROMIUM, launchChromium, serveDir } from '../helpers/chromium'
import { startSyncServer } from '../helpers/sync-server'
import type { SyncServer } from '../helpers/sync-server'
import { RENDERER, ROOT, openApp, shoot } from './helpers/app'
import type { OpenApp } from './helpers/app'

type FleetExport = { assets: { device?: { id?: string } | string; path?: string }[] }

/**
 * Settings → Sync in Chromium over the real handler table, against the real AI Scout server on
 * loopback: enroll from the screen, What is shared (no key value in the DOM or on IPC), Sync now
 * (the fleet API then lists the device and its assets), the server stopped (the outbox keeps the
 * changes and the screen says so), and back (it drains).
 */
describe.skipIf(!HAS_CHROMIUM)('Settings: sync with the central server (Chromium)', () => {
  let browser: Browser
  let web: { url: string; close(): Promise<void> }
  let server: SyncServer
  let fake: FakeHome
  let a: OpenApp
  const tmp = mkdtempSync(join(tmpdir(), 'aiscout-ui-sync-'))

  beforeAll(async () => {
    if (
      !existsSync(join(RENDERER, 'index.html')) ||
      !existsSync(join(ROOT, 'out/main/sync-worker.js'))
    )
      throw new Error('out/renderer or out/main/sync-worker.js is missing: run `npm run build`')
    browser = await launchChromium()
    web = await serveDir(RENDERER)
    server = await startSyncServer()
    fake = makeFakeHome('aiscout-ui-sync-home-')
    a = await openApp(browser, web.url, {
      dbPath: join(tmp, 'inv.db'),
      home: fake.home,
      deps: {
        sync: {
          retry: { attempts: 2, baseMs: 5, capMs: 20 },
          // Automatic syncs stay out of the way of what the test does by hand.
          debounceMs: 3_600_000,
          env: { AISCOUT_HARDWARE_ID: 'hw-e2e-sync' },
        },
      },
    })
    await a.page.getByTestId('scan-now').click()
    await a.page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
  })
  afterAll(async () => {
    await a?.close()
    await browser?.close()
    await web?.close()
    await server?.close()
    rmSync(fake.home, { recursive: true, force: true })
    rmSync(tmp, { recursive: true, force: true })
  })

  it('enrolls, shows what is shared, syncs, survives the server going away', async () => {
    const { page } = a
    await page.goto(`${web.url}#/settings/sync`)
    await page.getByTestId('panel-sync').waitFor()
    await page.getByTestId('sync-enroll').waitFor()

    // A URL the contract refuses: a clear message, no crash.
    await page.getByTestId('sync-url').fill('ftp://example.com')
    await page.getByTestId('sync-secret').fill(server.enrollSecret)
    await page.getByTestId('sync-enroll-submit').click()
    await page.getByTestId('sync-enroll-error').waitFor()
    expect(await page.getByTestId('sync-enroll-error').textContent()).toMatch(/over https:\/\//)

    // The same through window.api directly (what a compromised page could send): refused by
    // the contract with a reason, nothing enrolled.
    const replies = await page.evaluate(async () => {
      const api = (window as unknown as { api: Record<string, (...a: unknown[]) => unknown> }).api
      return Promise.all([
        api.enrollSync!({ serverUrl: 5, enrollSecret: 'abcdefgh' }),
        api.enrollSync!({ serverUrl: 'file:///etc/passwd', enrollSecret: 'abcdefgh' }),
        api.syncNow!('now'),
        api.disconnectSync!({ confirm: 'yes' }),
      ])
    })
    for (const r of replies as { ok: boolean; error?: { code: string; message: string } }[]) {
      expect(r.ok).toBe(false)
      expect(r.error?.code).toBe('invalid-argument')
      expect(r.error?.message).toMatch(/^sync:[a-z]+: argument /)
    }

    // Before enrolling, What is shared already shows the first snapshot.
    await page.getByTestId('shared-toggle').click()
    await page.getByTestId('shared-preview').waitFor({ timeout: 60_000 })
    await shoot(page, 'settings-sync-not-enrolled')

    await page.getByTestId('sync-url').fill(server.url)
    await page.getByTestId('sync-enroll-submit').click()
    await page.getByTestId('sync-enrolled').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('sync-result').getAttribute('data-result')).toBe('enrolled')
    expect(await page.getByTestId('sync-server').textContent()).toBe(server.url)
    const deviceId = (await page.getByTestId('sync-device').textContent())!
    expect(deviceId).toMatch(/^dev_/)
    expect(await page.getByTestId('sync-last').textContent()).toBe('Never')
    expect(await page.getByTestId('sync-secret').count()).toBe(0)
    const token = readFileSync(join(tmp, 'inv.db.sync-token'), 'utf8').trim()
    expect(token.length).toBeGreaterThan(16)
    // The open preview followed the enrollment (it now previews as an enrolled device); closed
    // for the status screenshot, then opened again.
    await page
      .getByTestId('shared-paths')
      .getByText(/as the server asks/)
      .waitFor()
    await page.getByTestId('shared-toggle').click()
    await page.getByTestId('shared-preview').waitFor({ state: 'detached' })
    await page.mouse.move(1, 1)
    await shoot(page, 'settings-sync', { docs: true })

    // What is shared: counts, the paths rule, a sample opened field by field, and the keys
    // only as redacted previews.
    await page.getByTestId('shared-toggle').click()
    const preview = page.getByTestId('shared-preview')
    await preview.waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('shared-toggle').getAttribute('aria-expanded')).toBe('true')
    expect(await page.getByTestId('shared-summary').textContent()).toMatch(/full snapshot/)
    expect(await page.getByTestId('shared-kinds').textContent()).toMatch(/Model\d/)
    expect(await page.getByTestId('shared-paths').textContent()).toContain(fake.home)
    await page.getByTestId('shared-group-model').locator('summary').first().click()
    const firstItem = page.getByTestId('shared-group-model').getByTestId('shared-item').first()
    await firstItem.locator('summary').click()
    const fields = await firstItem.locator('dl').textContent()
    expect(fields).toMatch(/path~\//)
    await page.getByTestId('shared-group-findings').locator('summary').first().click()
    await page.getByTestId('shared-summary').evaluate((e) => e.scrollIntoView({ block: 'start' }))
    await shoot(page, 'settings-sync-shared', { docs: true })
    // Keyboard: the groups open and close from the keyboard (native details/summary).
    await page.getByTestId('shared-group-findings').locator('summary').first().focus()
    await page.keyboard.press('Enter')
    expect(await page.getByTestId('shared-group-findings').getAttribute('open')).toBeNull()

    const dom = await page.content()
    expect(dom).not.toContain(fake.key)
    expect(a.rec.payloads.join('\n')).not.toContain(fake.key)

    // Sync now: busy, then the result; the fleet API lists the device and its assets.
    await page.getByTestId('sync-now').click()
    await page
      .getByTestId('sync-result')
      .and(page.locator('[data-result="synced"]'))
      .waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('sync-pending').getAttribute('data-items')).toBe('0')
    expect(await page.getByTestId('sync-last').textContent()).not.toBe('Never')
    await page.getByTestId('status-sync').getByText('Synced').waitFor()
    const devices = (await server.fleet('/devices')) as { devices: { id: string }[] }
    expect(devices.devices.map((d) => d.id)).toContain(deviceId)
    const fleet = (await server.fleet('/export?format=json')) as FleetExport
    const mine = fleet.assets.filter((x) => JSON.stringify(x.device ?? '').includes(deviceId))
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.some((x) => x.path?.startsWith('~/'))).toBe(true)
    expect(JSON.stringify(fleet)).not.toContain(fake.key)

    // The server goes away; a scan finds a change; Sync now keeps it and says so.
    await server.stop()
    write(join(fake.home, 'models', 'later.safetensors'), readFileSync(fake.paths.good))
    await page.getByTestId('nav-overview').click()
    await page.getByTestId('scan-now').click()
    await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
    await page.goto(`${web.url}#/settings/sync`)
    await page.getByTestId('sync-now').click()
    const offline = page.getByTestId('sync-result').and(page.locator('[data-result="unreachable"]'))
    await offline.waitFor({ timeout: 60_000 })
    const msg = (await offline.textContent())!
    const kept = /(\d+) changes? kept/.exec(msg)
    expect(msg).toMatch(/^Server unreachable: /)
    expect(kept).not.toBeNull()
    const pending = await page.getByTestId('sync-pending').getAttribute('data-items')
    expect(pending).toBe(kept![1])
    expect(Number(pending)).toBeGreaterThan(0)
    await page
      .getByTestId('status-sync')
      .getByText(/^Server unreachable/)
      .waitFor()
    await page.mouse.move(1, 1)
    await shoot(page, 'settings-sync-offline')
    // The count holds across a restart of main (the outbox is in the inventory).
    await a.restart()
    await page.goto(`${web.url}#/settings/sync`)
    await page.getByTestId('sync-pending').waitFor()
    expect(await page.getByTestId('sync-pending').getAttribute('data-items')).toBe(pending)

    // Back: Sync now drains the outbox.
    await server.start()
    await page.getByTestId('sync-now').click()
    await page
      .getByTestId('sync-result')
      .and(page.locator('[data-result="synced"]'))
      .waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('sync-pending').getAttribute('data-items')).toBe('0')
    const after = (await server.fleet('/export?format=json')) as FleetExport
    expect(after.assets.some((x) => x.path === '~/models/later.safetensors')).toBe(true)

    // Disconnect asks first, then forgets the device.
    await page.getByTestId('sync-disconnect').click()
    await page.getByTestId('sync-disconnect-dialog').waitFor()
    await page.getByTestId('sync-disconnect-confirm').click()
    await page.getByTestId('sync-enroll').waitFor()
    expect(existsSync(join(tmp, 'inv.db.sync-token'))).toBe(false)

    // Nothing of the token or the enroll secret ever came back to the page.
    expect(a.rec.payloads.join('\n')).not.toContain(token)
    expect(a.rec.payloads.join('\n')).not.toContain(server.enrollSecret)
    expect(await page.content()).not.toContain(token)
    expect(a.errors).toEqual([])
  }, 300_000)
})
