import { existsSync, mkdirSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { writeReport } from '../../src/core/report/index'
import { HOSTILE_NAME, fixtureInventory } from '../fixtures/generators/inventory'
import { polishInventory } from '../fixtures/generators/report-polish'
import { CHROMIUM_PATH, HAS_CHROMIUM, launchChromium } from '../helpers/chromium'

const SECRET = 'sk-proj-PLANTEDe2eVALUEabcdef0123456789'
const dir = mkdtempSync(join(tmpdir(), 'aiscout-html-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(!HAS_CHROMIUM)(
  `html report in Chromium (skipped: ${CHROMIUM_PATH} is missing)`,
  () => {
    it('opens from file:// with no console errors, no network, and shows the content', async () => {
      const file = join(dir, 'report.html')
      const out = createWriteStream(file)
      await writeReport('html', fixtureInventory({ secretValue: SECRET }).inv, out, {
        toolVersion: '0.1.0',
        generatedAt: new Date('2026-11-26T03:05:00.000Z'),
      })
      await new Promise<void>((r) => out.end(r))

      const browser = await launchChromium()
      try {
        const page = await browser.newPage({ viewport: { width: 1320, height: 900 } })
        const errors: string[] = []
        const requests: string[] = []
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning')
            errors.push(`${m.type()}: ${m.text()}`)
        })
        page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
        page.on('request', (r) => requests.push(r.url()))
        let dialogs = 0
        page.on('dialog', (d) => {
          dialogs++
          void d.dismiss()
        })
        const url = pathToFileURL(file).href
        await page.goto(url, { waitUntil: 'load' })

        expect(await page.title()).toBe('AI Scout report · dev-laptop-01')
        expect(await page.locator('header.top h1').innerText()).toContain('AI Scout report')
        await expect.poll(() => page.locator('svg.chart').count()).toBe(2)
        expect(await page.locator('#summary .card').count()).toBe(6)
        expect(await page.locator('.rule').count()).toBe(6)
        expect(await page.locator('#findings tbody tr').count()).toBe(6)
        // Four present models; the sharded repo is one row, its files listed inside it.
        expect(await page.locator('#kind-model tbody tr').count()).toBe(4)
        expect(await page.locator('#kind-model ul.parts li').count()).toBe(2)
        expect(await page.locator('section[id^="kind-"]').count()).toBe(14)
        // The hostile model name is shown as text, never parsed as an element.
        expect(await page.locator('#kind-model').innerText()).toContain(HOSTILE_NAME)
        expect(await page.locator('main img').count()).toBe(0)
        const text = await page.locator('body').innerText()
        expect(text).toContain('How to fix.')
        expect(text).not.toContain(SECRET)
        expect(dialogs).toBe(0)
        expect(errors).toEqual([])
        expect(requests).toEqual([url])

        mkdirSync('test-results', { recursive: true })
        await page.screenshot({ path: join('test-results', 'html-report.png'), fullPage: true })
        expect(existsSync(join('test-results', 'html-report.png'))).toBe(true)
      } finally {
        await browser.close()
      }
    })

    it('opens "+N more" detail chips, shows coverage and why a model is malicious', async () => {
      const file = join(dir, 'polish.html')
      const out = createWriteStream(file)
      await writeReport('html', polishInventory, out, {
        toolVersion: '0.1.0',
        generatedAt: new Date('2026-11-26T03:05:00.000Z'),
      })
      await new Promise<void>((r) => out.end(r))
      const browser = await launchChromium()
      try {
        const page = await browser.newPage({ viewport: { width: 1320, height: 900 } })
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
        const row = page.locator('#kind-compute tbody tr').first()
        const hidden = row.locator('details.more span').first()
        expect(await hidden.isVisible()).toBe(false)
        await row.locator('details.more summary').click()
        expect(await hidden.isVisible()).toBe(true)
        expect(await page.locator('#kind-compute h2').innerText()).toContain('0 GPUs')
        expect(await page.locator('#coverage').innerText()).toContain('__pycache__')
        const why = page.locator('#kind-model .why-line')
        expect(await why.innerText()).toContain('posix.system')
        expect((await why.boundingBox())!.height).toBeLessThan(24)
        mkdirSync('test-results', { recursive: true })
        await page.screenshot({
          path: join('test-results', 'html-report-polish.png'),
          fullPage: true,
        })
      } finally {
        await browser.close()
      }
    })
  },
)
