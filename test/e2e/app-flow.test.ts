import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { maliciousPickle, write } from '../fixtures/generators/fake-home'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { shoot } from './helpers/app'
import { demoAppSuite } from './helpers/suite'

/**
 * The main flow of the desktop app, in Chromium over the real handler table, workers and SQLite
 * file: first run, Scan now with progress and Cancel, the Overview, every inventory tab, details
 * with links, findings with evidence, accept risk and reopen, the model report. Screenshots of
 * each screen in light and dark are written to test-results/screens.
 */
describe.skipIf(!HAS_CHROMIUM)('desktop app main flow in Chromium', () => {
  const s = demoAppSuite('aiscout-ui-')

  it('first run: explains what a scan looks at and what never leaves the machine', async () => {
    const { page } = s.app
    await page.getByTestId('first-run').waitFor()
    expect(await page.getByTestId('status-title').textContent()).toBe('No scan yet')
    expect(await page.getByTestId('first-run').textContent()).toContain(
      'Nothing leaves this machine',
    )
    await shoot(page, 'overview-first-run', { docs: true })
  })

  it('Scan now shows live progress and Cancel keeps the previous (empty) inventory', async () => {
    const { page } = s.app
    await page.getByTestId('scan-now').click()
    await page.getByTestId('scan-progress').waitFor()
    await page.getByTestId('scan-stats').waitFor()
    await shoot(page, 'overview-scanning')
    await page.getByTestId('scan-cancel').click()
    await page.getByTestId('scan-now').waitFor({ timeout: 60_000 })
    const outcome = await page.getByTestId('scan-outcome').textContent()
    // A scan that finished before the cancel landed is fine too; otherwise it says what happened.
    expect(outcome).toMatch(/Scan cancelled\. The previous inventory is kept\.|Scan complete/)
  })

  it('a complete scan fills the Overview: status in words, urgent items, counts', async () => {
    const { page } = s.app
    await page.getByTestId('scan-now').click()
    await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
    await page.getByTestId('top-findings').waitFor()
    expect(await page.getByTestId('status-title').textContent()).toMatch(
      /critical findings? needs? attention/,
    )
    expect(
      Number(
        (await page.getByTestId('count-models').locator('.kind-n').textContent())?.replace(
          /,/g,
          '',
        ),
      ),
    ).toBeGreaterThan(5)
    expect(await page.getByTestId('status-line').textContent()).toMatch(/critical/)
    await shoot(page, 'overview', { docs: true })
  })

  it('every inventory tab lists its kind, sorts by a column and filters by text', async () => {
    const { page } = s.app
    await page.getByTestId('nav-inventory').click()
    await page.getByTestId('asset-row').first().waitFor()
    for (const tab of [
      'models',
      'datasets',
      'notebooks',
      'keys',
      'tools',
      'extensions',
      'mcp',
      'agents',
      'platforms',
      'python',
      'compute',
      'servers',
    ]) {
      await page.getByTestId(`tab-${tab}`).click()
      await page.waitForURL(new RegExp(`#/inventory/${tab}`))
      const count = await page.getByTestId(`tab-${tab}`).locator('.tab-count').textContent()
      if (count === '0') {
        await page.getByText(/^No .* found$/).waitFor()
      } else {
        // Polled: right after the URL changes the previous tab's rows may still be on screen.
        await expect
          .poll(() => page.getByTestId('result-count').textContent())
          .toContain(`${count} item`)
        await page.getByTestId('asset-row').first().waitFor()
      }
      if (tab === 'models' || tab === 'mcp' || tab === 'keys')
        await shoot(page, `inventory-${tab}`, { docs: tab === 'models' })
    }
    // Sort: models by size, largest first.
    await page.getByTestId('tab-models').click()
    await page.getByTestId('sort-size').click()
    await page.getByTestId('sort-size').click()
    await page.waitForURL(/sort=size&dir=desc/)
    const sizes = await page
      .getByTestId('asset-row')
      .evaluateAll((rows) =>
        rows.map((r) => r.querySelectorAll('[role="gridcell"]')[5]?.textContent ?? ''),
      )
    expect(sizes.length).toBeGreaterThan(3)
    // Filter: a text search narrows the list, clearing it restores it.
    const all = await page.getByTestId('result-count').textContent()
    await page.getByTestId('inventory-search').fill('tiny')
    await page.waitForURL(/q=tiny/)
    await expect.poll(() => page.getByTestId('result-count').textContent()).toMatch(/match/)
    const names = await page
      .getByTestId('asset-row')
      // Long names and paths are shortened in the middle; the full text is their title.
      .evaluateAll((rows) =>
        rows.map((r) =>
          [
            r.textContent ?? '',
            ...[...r.querySelectorAll('[title]')].map((e) => e.getAttribute('title')),
          ].join(' '),
        ),
      )
    expect(names.length).toBeGreaterThan(0)
    expect(names.every((n) => /tiny/i.test(n))).toBe(true)
    await page.getByTestId('inventory-search').fill('')
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe(all)
    // Verdict filter: the malicious pickle behind .safetensors.
    await page.getByTestId('filter-verdict').selectOption('malicious')
    await expect.poll(() => page.getByTestId('asset-row').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('asset-rows').textContent()).toContain('Malicious')
  })

  it('an asset opens beside the list with provenance, findings and links to related assets', async () => {
    const { page } = s.app
    await page.getByTestId('asset-row').first().click()
    await page.getByTestId('asset-pane').waitFor()
    expect(await page.getByTestId('asset-findings').textContent()).toMatch(/Critical/)
    await shoot(page, 'asset-detail', { docs: true })
    // An MCP server that uses a key links to it; following the link opens the key.
    await page.goto(`${page.url().split('#')[0]}#/inventory/mcp`)
    await page.getByTestId('asset-row').first().waitFor()
    const rows = await page.getByTestId('asset-row').count()
    let followed = false
    for (let i = 0; i < rows && !followed; i++) {
      await page.getByTestId('asset-row').nth(i).click()
      await page.getByTestId('asset-links').waitFor()
      const link = page.getByTestId('linked-asset').filter({ hasText: 'Uses key' })
      if ((await link.count()) > 0) {
        await shoot(page, 'asset-links')
        await link.first().click()
        await page.waitForURL(/#\/inventory\/keys\?sel=/)
        await page.getByTestId('asset-pane').getByText('API key').first().waitFor()
        expect(await page.getByTestId('asset-pane').textContent()).toMatch(/Preview \(redacted\)/)
        followed = true
      }
    }
    expect(followed).toBe(true)
    // Back returns to the MCP list with the same selection.
    await page.goBack()
    await page.waitForURL(/#\/inventory\/mcp\?sel=/)
  })

  it('a finding shows evidence, why and fix; a key only as redacted preview and fingerprint', async () => {
    const { page } = s.app
    await page.getByTestId('nav-findings').click()
    await page.getByTestId('finding-group').first().waitFor()
    // The key planted in ~/proj/.env: its group is a rule group like any other.
    await page.getByTestId('findings-search').fill('proj/.env')
    await page.locator('[data-testid="finding-group"][data-rule="secret.ai-api-key"]').waitFor()
    const keyRow = page
      .locator('[data-testid="finding-row"][data-rule="secret.ai-api-key"]')
      .first()
    await keyRow.click()
    await page.getByTestId('finding-pane').waitFor()
    await page.getByTestId('key-preview').waitFor()
    const pane = (await page.getByTestId('finding-pane').textContent()) ?? ''
    expect(pane).toContain('What was seen')
    expect(pane).toContain('Why it matters')
    expect(pane).toContain('How to fix')
    expect(await page.getByTestId('key-preview').textContent()).toMatch(/…/)
    await shoot(page, 'finding-key', { docs: true })
    const dom = await page.content()
    for (const v of s.demo.planted) expect(dom).not.toContain(v)
    await page.getByTestId('findings-search').fill('')
  })

  it('accept risk needs a note, leaves the open counts, survives a rescan, then reopens', async () => {
    const { page } = s.app
    await page.getByTestId('chip-critical').click()
    await page.getByTestId('finding-row').first().click()
    await page.getByTestId('accept-risk').click()
    await page.getByTestId('accept-dialog').waitFor()
    await page.getByTestId('accept-confirm').click()
    expect(await page.getByTestId('accept-error').textContent()).toMatch(/Say why/)
    await page.getByTestId('accept-note').fill('Fixture for our scanner tests; never loaded.')
    await page.getByTestId('accept-expiry').selectOption('30')
    await shoot(page, 'accept-risk')
    await page.getByTestId('accept-confirm').click()
    await page.getByTestId('acceptance').waitFor()
    expect(await page.getByTestId('acceptance').textContent()).toContain(
      'Fixture for our scanner tests',
    )
    await page.getByTestId('state-filter').getByText('Accepted').click()
    await page.getByTestId('finding-row').first().waitFor()
    expect(await page.getByTestId('finding-row').count()).toBe(1)
    await shoot(page, 'findings-accepted')
    // Open counts on the Overview drop by one and the acceptance is listed.
    await page.getByTestId('nav-overview').click()
    await expect
      .poll(() => page.getByTestId('accepted-count').textContent())
      .toBe('1 accepted risk')
    // A rescan keeps it accepted (keyed by the finding's stable id).
    await page.getByTestId('scan-now').click()
    await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('accepted-count').textContent()).toBe('1 accepted risk')
    await page.getByTestId('accepted-count').click()
    await page.getByTestId('finding-row').first().click()
    await page.getByTestId('reopen').click()
    await page.getByTestId('findings-empty').waitFor()
    await page.getByTestId('nav-overview').click()
    await expect
      .poll(() => page.getByTestId('accepted-count').textContent())
      .toBe('0 accepted risks')
  })

  it('shows the findings list grouped by severity and rule', async () => {
    const { page } = s.app
    await page.getByTestId('nav-findings').click()
    await page.getByTestId('finding-row').first().waitFor()
    await page.getByTestId('finding-row').first().click()
    await page.getByTestId('finding-pane').waitFor()
    await shoot(page, 'findings', { docs: true })
  })

  it('the model report shows the static scan of one model file, printable', async () => {
    const { page } = s.app
    await page.goto(`${page.url().split('#')[0]}#/inventory/models?verdict=malicious`)
    await page.getByTestId('asset-row').first().click()
    await page.getByTestId('open-model-report').click()
    await page.getByTestId('report-summary').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('report-summary').textContent()).toContain('Malicious')
    expect(await page.getByTestId('report-callables').textContent()).toMatch(/system/)
    expect(await page.getByTestId('report-finding').count()).toBeGreaterThan(0)
    await shoot(page, 'model-report', { docs: true })
  })

  it('says what is new since the user last looked, from the change log', async () => {
    const { page } = s.app
    // The Overview was left earlier (marked seen). A model lands in Downloads; a scan finds it.
    write(join(s.demo.home, 'Downloads', 'fresh-download.pkl'), maliciousPickle())
    await page.getByTestId('nav-overview').click()
    await page.getByTestId('scan-now').click()
    await page.getByTestId('new-since').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('new-since').textContent()).toMatch(/new finding.*new asset/)
    await shoot(page, 'overview-new-since')
  })

  it('Rescan file runs a scoped scan of that file and says what changed', async () => {
    const { page } = s.app
    await page.getByTestId('nav-findings').click()
    await page.getByTestId('findings-search').fill('fresh-download')
    await page.getByTestId('finding-row').first().click()
    await page.getByTestId('rescan-file').click()
    await page
      .getByTestId('toast')
      .filter({ hasText: 'Rescanned: no changes' })
      .waitFor({ timeout: 60_000 })
    await page.getByTestId('findings-search').fill('')
  })

  it('no key value ever crossed IPC or reached the page, and the page logged no errors', () => {
    expect(s.app.rec.payloads.length).toBeGreaterThan(50)
    const all = s.app.rec.payloads.join('\n')
    for (const v of s.demo.planted) expect(all).not.toContain(v)
    expect(s.app.errors).toEqual([])
  })
})
