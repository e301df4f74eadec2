import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSettingsSection } from '../../src/core/settings'
import { openDb } from '../../src/core/storage/db'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { shoot } from './helpers/app'
import { demoAppSuite } from './helpers/suite'

/**
 * Bad input never crashes the app: wrong IPC types, unknown ids, an inventory file that turns
 * unreadable while the app runs, a saved scan root that vanished. Each gives a clear message and
 * the inventory stays intact.
 */
describe.skipIf(!HAS_CHROMIUM)('bad input in the desktop app', () => {
  const s = demoAppSuite('aiscout-ui-bad-', {
    // A saved scan root beside the home, which a test removes.
    prepare: (_demo, tmp) => {
      mkdirSync(join(tmp, 'external-drive'), { recursive: true })
      const db = openDb(join(tmp, 'inv.db'))
      writeSettingsSection(db, 'scan', {
        roots: [join(tmp, 'external-drive')],
        exclude: [],
        hash: true,
        verifyDigests: false,
      })
      db.close()
    },
    scan: true,
  })
  const root = join(s.tmp, 'external-drive')

  it('IPC calls with wrong types get an error reply; the page keeps working', async () => {
    const { page } = s.app
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
    expect(s.app.rec.opened).toEqual([])
  })

  it('an unknown asset or finding id shows a clear message in the pane', async () => {
    const { page } = s.app
    await page.goto(`${s.url}#/inventory/models?sel=model:000000000000000000000000`)
    await page.getByTestId('asset-error').waitFor()
    expect(await page.getByTestId('asset-error').textContent()).toContain(
      'No asset with id model:000000000000000000000000',
    )
    await page.goto(`${s.url}#/findings?sel=deadbeef`)
    await page.getByTestId('finding-error').waitFor()
    expect(await page.getByTestId('finding-error').textContent()).toContain(
      'No finding with id deadbeef',
    )
    await page.goto(`${s.url}#/model/model:000000000000000000000000`)
    await page.getByTestId('error-state').waitFor()
  })

  it('an inventory file made unreadable while the app runs: a clear message, then recovery, data intact', async () => {
    const { page } = s.app
    await page.goto(`${s.url}#/overview`)
    await page.getByTestId('kind-grid').waitFor()
    const before = await page.getByTestId('count-models').locator('.kind-n').textContent()
    // Someone moves the inventory away and leaves a file that is not a database in its place.
    const aside = join(s.tmp, 'aside')
    mkdirSync(aside)
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(s.dbPath + ext)) renameSync(s.dbPath + ext, join(aside, `inv.db${ext}`))
    writeFileSync(s.dbPath, Buffer.alloc(8192, 0x41))
    await page.getByTestId('nav-inventory').click()
    await page.getByTestId('error-state').first().waitFor()
    const msg = (await page.getByTestId('error-state').first().textContent()) ?? ''
    expect(msg).toMatch(/inventory database .* (is not usable|cannot be read)/)
    expect(msg).toMatch(/did not change the file|Check that the file exists/)
    await shoot(page, 'error-unreadable-db')
    // The file comes back: Try again works and shows the same inventory.
    rmSync(s.dbPath)
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(join(aside, `inv.db${ext}`)))
        renameSync(join(aside, `inv.db${ext}`), s.dbPath + ext)
    await page.getByTestId('error-state').first().getByRole('button', { name: 'Try again' }).click()
    await page.getByTestId('asset-row').first().waitFor()
    await page.getByTestId('nav-overview').click()
    await expect
      .poll(() => page.getByTestId('count-models').locator('.kind-n').textContent())
      .toBe(before)
    expect(s.app.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  })

  it('a saved scan root that vanished is reported after the scan and flagged in Settings', async () => {
    const { page } = s.app
    rmSync(root, { recursive: true, force: true })
    await page.getByTestId('scan-now').click()
    await page.getByTestId('missing-roots').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('missing-roots').textContent()).toContain(root)
    await shoot(page, 'overview-missing-root')
    await page.getByTestId('missing-roots').getByText('Review in Settings').click()
    await page.getByTestId('root-missing').waitFor()
  })
})
