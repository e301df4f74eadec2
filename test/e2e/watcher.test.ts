import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackground } from '../../src/main/background'
import type { Background } from '../../src/main/background'
import { DEFAULT_BACKGROUND_SETTINGS } from '../../src/main/background-settings'
import { createWatcherHost, forkLink } from '../../src/main/watcher-host'
import { makeFakeHome, maliciousPickle } from '../fixtures/generators/fake-home'
import { eventEmitter } from '../helpers/api-shim'
import { HAS_CHROMIUM, launchChromium, serveDir } from '../helpers/chromium'
import { waitFor } from '../helpers/wait'
import { RENDERER, ROOT, openApp } from './helpers/app'
import type { OpenApp } from './helpers/app'

const WATCHER = join(ROOT, 'out/main/watcher-process.js')

/**
 * The background watcher and the window together: the real watcher process over the same SQLite
 * file as the handler table, its pushes sent to the page through createBackground as Electron main
 * does (webContents.send), and the background channels answered over the same router.
 */
describe.skipIf(!HAS_CHROMIUM)('the background watcher in the desktop app (Chromium)', () => {
  let browser: Browser
  let server: { url: string; close(): Promise<void> }
  const tmp = mkdtempSync(join(tmpdir(), 'aiscout-ui-watch-'))

  beforeAll(async () => {
    if (!existsSync(join(RENDERER, 'index.html')) || !existsSync(WATCHER))
      throw new Error('out/renderer or out/main/watcher-process.js is missing: run `npm run build`')
    browser = await launchChromium()
    server = await serveDir(RENDERER)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('a watcher change appears in the Overview without a reload', async () => {
    const { home } = makeFakeHome('aiscout-ui-watch-home-')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    const dbPath = join(tmp, 'ui-watch.db')
    const pushed: string[] = []
    let a: OpenApp | undefined
    const host = createWatcherHost({
      spawn: () => forkLink(WATCHER),
      onMessage: (m) => bg.onWatcherMessage(m),
    })
    const bg: Background = createBackground({
      host,
      baseConfig: { dbPath, home, roots: [], exclude: [], hash: true },
      settings: { ...DEFAULT_BACKGROUND_SETTINGS, quiet: true },
      saveSettings: () => undefined,
      applyLaunchAtLogin: () => undefined,
      scanNow: () => a!.app.handlers['scan:start']({}),
      lastFullScan: () => undefined,
      onBattery: async () => false,
      showTray: () => undefined,
      notify: () => undefined,
      emit: eventEmitter(
        () => a?.page,
        (c, p) => pushed.push(`${c} ${JSON.stringify(p)}`),
      ),
      log: () => undefined,
      openWindow: () => undefined,
      quit: () => undefined,
    })
    try {
      a = await openApp(browser, server.url, {
        dbPath,
        home,
        extra: {
          ...bg.ipc,
          'scan:start': (req) => (req.paths ? a!.app.handlers['scan:start'](req) : bg.scanNow()),
        },
      })
      const { page } = a
      await page.getByTestId('scan-now').click()
      await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
      const count = async (testId: string, cls: string): Promise<number> =>
        Number(
          ((await page.getByTestId(testId).locator(cls).textContent()) ?? '0').replace(/\D/g, ''),
        )
      const models = (): Promise<number> => count('count-models', '.kind-n')
      const critical = (): Promise<number> => count('sev-critical', '.sev-n')
      const modelsBefore = await models()
      const criticalBefore = await critical()

      // The background channels answer over the same router the page calls.
      const status = await page.evaluate(async () => {
        const api = (globalThis as unknown as { api: Record<string, () => Promise<unknown>> }).api
        return api.getWatcherStatus!()
      })
      expect(status).toMatchObject({ ok: true })

      bg.start()
      await waitFor(() => bg.status().state === 'watching', 'the watcher watching', 60_000)
      // Marks the page: a reload would lose it.
      await page.evaluate(() => ((globalThis as { __same?: boolean }).__same = true))
      writeFileSync(join(home, 'Downloads', 'evil.pkl'), maliciousPickle())
      await waitFor(
        async () => (await models()) > modelsBefore,
        'the new model in the Overview',
        60_000,
      )
      await waitFor(async () => (await critical()) > criticalBefore, 'its critical finding counted')
      expect(await page.evaluate(() => (globalThis as { __same?: boolean }).__same)).toBe(true)
      // The push says it came from the watcher and which scan.
      expect(
        pushed.some((p) =>
          /^inventory:changed \{"reason":"watcher","scanId":"[^"]+","trigger":"change"\}$/.test(p),
        ),
      ).toBe(true)
      expect(a.errors).toEqual([])
    } finally {
      await bg.stop()
      await a?.close()
      rmSync(home, { recursive: true, force: true })
    }
  }, 240_000)
})
