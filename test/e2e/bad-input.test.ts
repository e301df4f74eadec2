import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeSettingsSection } from '../../src/core/settings'
import { openDb } from '../../src/core/storage/db'
import { HAS_CHROMIUM, launchChromium, serveDir } from '../helpers/chromium'
import { RENDERER, openApp, shoot } from './helpers/app'
import type { OpenApp } from './helpers/app'
import { makeDemoHome } from '../helpers/demo-home'
import type { DemoHome } from '../helpers/demo-home'

/**
 * Bad input never crashes the app: wrong IPC types, unknown ids, an inventory file that turns
 * unreadable while the app runs, a saved scan root that vanished. Each gives a clear message and
 * the inventory stays intact.
 */
describe.skipIf(!HAS_CHROMIUM)('bad input in the desktop app', () => {
  let browser: Browser
  let server: { url: string; close(): Promise<void> }
  let demo: DemoHome
  let a: OpenApp
  const tmp = mkdtempSync(join(tmpdir(), 'aiscout-ui-bad-'))
  const dbPath = join(tmp, 'inv.db')
  const root = join(tmp, 'external-drive')

  beforeAll(async () => {
    if (!existsSync(join(RENDERER, 'index.html')))
      throw new Error('out/renderer is missing: run `npm run build` first')
    browser = await launchChromium()
    server = await serveDir(RENDERER)
    demo = makeDemoHome()
    mkdirSync(root, { recursive: true })
    const db = openDb(dbPath)
    writeSettingsSection(db, 'scan', {
      roots: [root],
      exclude: [],
      hash: true,
      verifyDigests: false,
    })
    db.close()
    a = await openApp(browser, server.url, { dbPath, home: demo.home })
    await a.page.getByTestId('scan-now').click()
    await a.page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
  })
  afterAll(async () => {
    await a?.close()
    await browser?.close()
    await server?.close()
    demo?.remove()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('IPC calls with wrong types get an error reply; the page keeps working', async () => {
    const { page } = a
    const replies = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as { api: Record<string, (...a: unknown[]) => Promise<unknown>> }
      ).api
      return Promise.all([
        api.listAssets!({ kinds: 42 }),
        api.listAssets!({ limit: 1e9 }),
        api.getAsset!({ id: { $gt: '' } }),
        api.acceptRisk!({ findingId: 'x', note: '' }),
        api.updateSettings!({
          section: 'scan',
          value: { roots: ['relative/path'], exclude: [], hash: true, verifyDigests: false },
        }),
        api.clearInventory!({ confirm: true }),
        api.openExternal!('javascript:alert(1)'),
        api.exportReport!({ format: 'exe' }),
        api.startScan!({ paths: 'everything' }),
      ])
    })
    for (const r of replies)
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { api: { getOverview(): Promise<{ ok: boolean }> } }
        ).api.getOverview(),
      ),
    ).toMatchObject({ ok: true })
    expect(a.rec.opened).toEqual([])
  })

  it('an unknown asset or finding id shows a clear message in the pane', async () => {
    const { page } = a
    await page.goto(`${server.url}#/inventory/models?sel=model:000000000000000000000000`)
    await page.getByTestId('asset-error').waitFor()
    expect(await page.getByTestId('asset-error').textContent()).toContain(
      'No asset with id model:000000000000000000000000',
    )
    await page.goto(`${server.url}#/findings?sel=deadbeef`)
    await page.getByTestId('finding-error').waitFor()
    expect(await page.getByTestId('finding-error').textContent()).toContain(
      'No finding with id deadbeef',
    )
    await page.goto(`${server.url}#/model/model:000000000000000000000000`)
    await page.getByTestId('error-state').waitFor()
  })

  it('an inventory file made unreadable while the app runs: a clear message, then recovery, data intact', async () => {
    const { page } = a
    await page.goto(`${server.url}#/overview`)
    await page.getByTestId('kind-grid').waitFor()
    const before = await page.getByTestId('count-models').locator('.kind-n').textContent()
    // Someone moves the inventory away and leaves a file that is not a database in its place.
    const aside = join(tmp, 'aside')
    mkdirSync(aside)
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(dbPath + ext)) renameSync(dbPath + ext, join(aside, `inv.db${ext}`))
    writeFileSync(dbPath, Buffer.alloc(8192, 0x41))
    await page.getByTestId('nav-inventory').click()
    await page.getByTestId('error-state').first().waitFor()
    const msg = (await page.getByTestId('error-state').first().textContent()) ?? ''
    expect(msg).toMatch(/inventory database .* (is not usable|cannot be read)/)
    expect(msg).toMatch(/did not change the file|Check that the file exists/)
    await shoot(page, 'error-unreadable-db')
    // The file comes back: Try again works and shows the same inventory.
    rmSync(dbPath)
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(join(aside, `inv.db${ext}`)))
        renameSync(join(aside, `inv.db${ext}`), dbPath + ext)
    await page.getByTestId('error-state').first().getByRole('button', { name: 'Try again' }).click()
    await page.getByTestId('asset-row').first().waitFor()
    await page.getByTestId('nav-overview').click()
    await expect
      .poll(() => page.getByTestId('count-models').locator('.kind-n').textContent())
      .toBe(before)
    expect(a.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  })

  it('a saved scan root that vanished is reported after the scan and flagged in Settings', async () => {
    const { page } = a
    rmSync(root, { recursive: true, force: true })
    await page.getByTestId('scan-now').click()
    await page.getByTestId('missing-roots').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('missing-roots').textContent()).toContain(root)
    await shoot(page, 'overview-missing-root')
    await page.getByTestId('missing-roots').getByText('Review in Settings').click()
    await page.getByTestId('root-missing').waitFor()
  })
})
