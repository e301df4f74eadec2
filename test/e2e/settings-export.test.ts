import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import * as CDX from '@cyclonedx/cyclonedx-library'
import { describe, expect, it } from 'vitest'
import { loadSarifSchema } from '../core/report/helpers'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { ROOT, shoot } from './helpers/app'
import { demoAppSuite } from './helpers/suite'

/** Settings that persist in the inventory, every export from the app, About and diagnostics. */
describe.skipIf(!HAS_CHROMIUM)('settings, export and About in Chromium', () => {
  const s = demoAppSuite('aiscout-ui-settings-', {
    prepare: (demo) => mkdirSync(join(demo.home, 'projects'), { recursive: true }),
    options: (tmp) => ({ exportDir: join(tmp, 'exports') }),
    scan: true,
  })

  it('settings persist in the inventory across a restart of the handler table', async () => {
    const { page } = s.app
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('panel-scanning').waitFor()
    await page.getByTestId('add-root').click()
    await page.getByTestId('roots-list').getByText('projects').waitFor()
    await page.getByTestId('exclude-input').fill('**/Downloads/old/**')
    await page.getByTestId('exclude-add').click()
    await page.getByTestId('exclude-list').getByText('**/Downloads/old/**').waitFor()
    await page.getByTestId('toggle-hash').click()
    await expect.poll(() => page.getByTestId('toggle-hash').isChecked()).toBe(false)
    await shoot(page, 'settings', { docs: true })
    await page.getByTestId('settings-probes').click()
    await page.getByTestId('toggle-servers').click()
    await expect.poll(() => page.getByTestId('toggle-servers').isChecked()).toBe(true)
    await shoot(page, 'settings-probes')
    await page.getByTestId('settings-storage').click()
    expect(await page.getByTestId('db-path').textContent()).toContain(join(s.tmp, 'inv.db'))
    await shoot(page, 'settings-storage')

    await s.app.restart()
    await page.goto(`${s.url}#/settings/scanning`)
    await page.getByTestId('roots-list').getByText('projects').waitFor()
    expect(await page.getByTestId('toggle-hash').isChecked()).toBe(false)
    expect(await page.getByTestId('exclude-list').textContent()).toContain('**/Downloads/old/**')
    await page.getByTestId('settings-probes').click()
    expect(await page.getByTestId('toggle-servers').isChecked()).toBe(true)
  })

  it('exports every format through the save dialog; each file parses and holds no key', async () => {
    const { page } = s.app
    const files: Record<string, string> = {}
    await page.getByTestId('nav-overview').click()
    for (const format of ['html', 'pdf', 'json', 'csv', 'cyclonedx', 'sarif'] as const) {
      const n = s.app.rec.exports.length
      await page.getByTestId('export-menu').click()
      await page.getByTestId(`export-menu-${format}`).click()
      await expect.poll(() => s.app.rec.exports.length).toBe(n + 1)
      const file = s.app.rec.exports[n]!
      await page
        .getByTestId('toast')
        .filter({ hasText: `Saved ${file.split('/').pop()}` })
        .waitFor({ timeout: 60_000 })
      files[format] = file
      expect(existsSync(file)).toBe(true)
    }
    const text = (f: string): string => readFileSync(files[f]!, 'utf8')
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'resources/schemas/scan-output.schema.json'), 'utf8'),
    )
    const json = JSON.parse(text('json')) as { assets: unknown[]; findings: unknown[] }
    expect(ajv.compile(schema)(json)).toBe(true)
    expect(json.assets.length).toBeGreaterThan(50)
    const sajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
    addFormats(sajv)
    expect(sajv.compile(loadSarifSchema())(JSON.parse(text('sarif')))).toBe(true)
    expect(
      await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(
        text('cyclonedx'),
      ),
    ).toBeNull()
    // The assets table, a blank line, then the findings table (each with its header row).
    const csv = text('csv').split('\r\n')
    expect(csv[0]).toMatch(/^id,kind,name,/)
    const blank = csv.indexOf('')
    expect(blank).toBe(json.assets.length + 1)
    expect(csv[blank + 1]).toMatch(/^id,severity,ruleId,/)
    expect(csv.length).toBe(blank + 2 + json.findings.length + 1)
    expect(text('html')).toMatch(/^<!DOCTYPE html>/)
    const pdf = readFileSync(files.pdf!)
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.subarray(-8).toString()).toContain('%%EOF')
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0
    expect(pages).toBeGreaterThan(1)
    for (const f of Object.values(files)) {
      const body = readFileSync(f).toString('latin1')
      for (const v of s.demo.planted) expect(body).not.toContain(v)
    }
  })

  it('About shows versions, paths and recent errors; diagnostics are copied without keys', async () => {
    const { page } = s.app
    await page.getByTestId('nav-about').click()
    await page.getByTestId('about-info').waitFor()
    expect(await page.getByTestId('about-db').textContent()).toBe(join(s.tmp, 'inv.db'))
    await page.getByTestId('copy-diagnostics').click()
    await expect.poll(() => s.app.rec.copied.length).toBeGreaterThan(0)
    const diag = s.app.rec.copied[s.app.rec.copied.length - 1]!
    expect(diag).toContain('AI Scout 0.1.0')
    expect(diag).toMatch(/assets: \d+/)
    for (const v of s.demo.planted) expect(diag).not.toContain(v)
    await shoot(page, 'about', { docs: true })
  })
})
