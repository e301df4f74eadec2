import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKGROUND_SETTINGS } from '../../src/main/background-settings'
import { makeFakeHome, maliciousPickle } from '../fixtures/generators/fake-home'
import { eventEmitter } from '../helpers/api-shim'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { waitFor } from '../helpers/wait'
import { openApp } from './helpers/app'
import { rendererSuite, watcherBackground, WATCHER_PROCESS } from './helpers/suite'
import type { OpenApp } from './helpers/app'

/**
 * The background watcher and the window together: the real watcher process over the same SQLite
 * file as the handler table, its pushes sent to the page through createBackground as Electron main
 * does (webContents.send), and the background channels answered over the same router.
 */
describe.skipIf(!HAS_CHROMIUM)('the background watcher in the desktop app (Chromium)', () => {
  const s = rendererSuite('aiscout-ui-watch-', [WATCHER_PROCESS])

  it('a watcher change appears in the Overview without a reload', async () => {
    const { home } = makeFakeHome('aiscout-ui-watch-home-')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    const dbPath = join(s.tmp, 'ui-watch.db')
    const pushed: string[] = []
    let a: OpenApp | undefined
    const bg = watcherBackground({
      baseConfig: { dbPath, home, roots: [], exclude: [], hash: true },
      settings: { ...DEFAULT_BACKGROUND_SETTINGS, quiet: true },
      scanNow: () => a!.app.handlers['scan:start']({}),
      emit: eventEmitter(
        () => a?.page,
        (c, p) => pushed.push(`${c} ${JSON.stringify(p)}`),
      ),
    })
    try {
      a = await openApp(s.browser, s.url, {
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
