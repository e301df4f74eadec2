import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/handlers'
import { createWatcherHost, forkLink } from '../../src/main/watcher-host'
import { makeFakeHome, maliciousPickle } from '../fixtures/generators/fake-home'
import { emitter, installApiShim, progressEmitter } from '../helpers/api-shim'
import { HAS_CHROMIUM, launchChromium, serveDir } from '../helpers/chromium'
import { waitFor } from '../helpers/wait'

const ROOT = resolve(__dirname, '../..')
const RENDERER = join(ROOT, 'out/renderer')
const WORKER = join(ROOT, 'out/main/scan-worker.js')
const WATCHER = join(ROOT, 'out/main/watcher-process.js')

describe.skipIf(!HAS_CHROMIUM)(
  'desktop renderer in Chromium over the real IPC handler table',
  () => {
    let browser: Browser
    let server: { url: string; close(): Promise<void> }
    const tmp = mkdtempSync(join(tmpdir(), 'aiscout-ui-'))

    beforeAll(async () => {
      if (!existsSync(join(RENDERER, 'index.html')) || !existsSync(WORKER)) {
        throw new Error(
          'out/renderer or out/main/scan-worker.js is missing: run `npm run build` first',
        )
      }
      browser = await launchChromium()
      server = await serveDir(RENDERER)
    })
    afterAll(async () => {
      await browser?.close()
      await server?.close()
      rmSync(tmp, { recursive: true, force: true })
    })

    it('shows no scan, runs a scan in the worker on "Scan now", then shows the counts', async () => {
      const { home, key } = makeFakeHome()
      const page: Page = await browser.newPage({ viewport: { width: 1000, height: 700 } })
      const ipcPayloads: string[] = []
      const realHandlers = createHandlers({
        dbPath: join(tmp, 'ui.db'),
        home,
        workerPath: WORKER,
        emitProgress: (p) => {
          ipcPayloads.push(JSON.stringify(p))
          progressEmitter(() => page)(p)
        },
      })
      // Record every IPC reply so the test can prove no key crosses into the renderer.
      const handlers: typeof realHandlers = {
        'inventory:summary': async () => record(await realHandlers['inventory:summary']()),
        'scan:start': async () => record(await realHandlers['scan:start']()),
        'scan:cancel': async () => record(await realHandlers['scan:cancel']()),
      }
      function record<T>(v: T): T {
        ipcPayloads.push(JSON.stringify(v))
        return v
      }
      const errors: string[] = []
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      page.on('pageerror', (e) => errors.push(e.message))
      await installApiShim(page, handlers)
      await page.goto(server.url)
      await page.getByTestId('no-scan').waitFor()

      await page.getByTestId('scan-now').click()
      await page.getByTestId('summary').waitFor({ timeout: 60_000 })
      expect(await page.getByTestId('message').textContent()).toBe('Scan complete')
      const total = Number(await page.getByTestId('total-assets').textContent())
      expect(total).toBeGreaterThanOrEqual(2)
      expect(await page.getByTestId('count-model').textContent()).toContain('Models')
      expect(await page.getByTestId('count-secret').textContent()).toContain('API keys')
      expect(
        Number((await page.getByTestId('sev-high').textContent())?.replace(/\D/g, '')),
      ).toBeGreaterThan(0)
      mkdirSync(join(ROOT, 'test-results'), { recursive: true })
      await page.screenshot({ path: join(ROOT, 'test-results/renderer.png') })
      expect(errors).toEqual([])
      expect(ipcPayloads.length).toBeGreaterThan(2)
      expect(ipcPayloads.some((p) => p.includes(key))).toBe(false)

      // A reload reads the stored summary straight from SQLite.
      await page.reload()
      await page.getByTestId('summary').waitFor()
      expect(Number(await page.getByTestId('total-assets').textContent())).toBe(total)
      await page.close()
      rmSync(home, { recursive: true, force: true })
    })

    it('shows a watcher-driven change in the Overview without a reload', async () => {
      const { home } = makeFakeHome('aiscout-ui-watch-')
      mkdirSync(join(home, 'Downloads'), { recursive: true })
      const dbPath = join(tmp, 'ui-watch.db')
      const page: Page = await browser.newPage({ viewport: { width: 1000, height: 700 } })
      const emit = emitter(() => page)
      const handlers = createHandlers({
        dbPath,
        home,
        workerPath: WORKER,
        emitProgress: (p) => emit('scan:progress', p),
      })
      const reports: string[] = []
      // The real watcher process over the same inventory; its change summaries are pushed to
      // the page as Electron main does (createBackground → webContents.send).
      const host = createWatcherHost({
        spawn: () => forkLink(WATCHER),
        onMessage: (m) => {
          if (m.type === 'changed')
            emit('inventory:changed', { scanId: m.change.scanId, reason: m.change.reason })
          if (m.type === 'report') reports.push(m.report.state)
        },
      })
      try {
        await installApiShim(page, handlers)
        await page.goto(server.url)
        await page.getByTestId('scan-now').click()
        await page.getByTestId('summary').waitFor({ timeout: 60_000 })
        const models = async (): Promise<number> =>
          Number((await page.getByTestId('count-model').locator('.n').textContent()) ?? 0)
        const before = await models()
        const critical = Number(
          (await page.getByTestId('sev-critical').textContent())?.replace(/\D/g, ''),
        )
        host.start({ dbPath, home, roots: [], exclude: [], hash: true, quiet: true })
        await waitFor(() => reports.includes('watching'), 'the watcher watching', 60_000)
        // Marks the page: a reload would lose it.
        await page.evaluate(() => ((globalThis as { __same?: boolean }).__same = true))
        writeFileSync(join(home, 'Downloads', 'evil.pkl'), maliciousPickle())
        await waitFor(
          async () => (await models()) > before,
          'the new model in the Overview',
          60_000,
        )
        await waitFor(
          async () =>
            Number((await page.getByTestId('sev-critical').textContent())?.replace(/\D/g, '')) >
            critical,
          'its critical finding counted',
        )
        expect(await page.evaluate(() => (globalThis as { __same?: boolean }).__same)).toBe(true)
      } finally {
        await host.stop()
        await page.close()
        rmSync(home, { recursive: true, force: true })
      }
    }, 180_000)
  },
)
