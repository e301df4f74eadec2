import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { demoAppSuite } from './helpers/suite'

const AXE = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8')

type AxeResult = {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]
}

/** axe-core in the page (evaluated over the DevTools protocol, so the app's CSP stays as it is). */
async function axe(page: Page): Promise<AxeResult['violations']> {
  await page.evaluate(AXE)
  const r = await page.evaluate(() =>
    (
      globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }
    ).axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    }),
  )
  return r.violations
}

const describeViolations = (v: AxeResult['violations']): string =>
  v
    .map(
      (x) =>
        `${x.id} (${x.impact}): ${x.help} at ${x.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    )
    .join('\n')

async function activeTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)
}

/** Presses Tab until the element with this test id has focus (fails after `max` presses). */
async function tabTo(page: Page, testId: string, max = 40, key = 'Tab'): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await activeTestId(page)) === testId) return
    await page.keyboard.press(key)
  }
  throw new Error(
    `${testId} was not reached with ${key} in ${max} presses (at ${await activeTestId(page)})`,
  )
}

describe.skipIf(!HAS_CHROMIUM)('keyboard and accessibility', () => {
  const s = demoAppSuite('aiscout-ui-kb-')

  it('the main flow works from the keyboard alone: scan, browse, open, accept risk, close', async () => {
    const { page } = s.app
    await page.getByTestId('first-run').waitFor()
    // Scan now is reachable by Tab and runs on Enter.
    await tabTo(page, 'scan-now')
    await page.keyboard.press('Enter')
    await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
    // Ctrl+2: Inventory. Tab into the rows; arrows move the selection, which opens the pane.
    await page.keyboard.press('Control+2')
    await page.waitForURL(/#\/inventory/)
    await page.getByTestId('asset-row').first().waitFor()
    await tabTo(page, 'asset-table')
    await page.keyboard.press('ArrowDown')
    await page.getByTestId('asset-pane').waitFor()
    const first = await page.getByTestId('asset-title').textContent()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => page.getByTestId('asset-title').textContent()).not.toBe(first)
    await page.keyboard.press('Escape')
    await page.getByTestId('asset-pane').waitFor({ state: 'detached' })
    // Tabs switch with the arrow keys.
    await tabTo(page, 'tab-models', 40, 'Shift+Tab')
    await page.keyboard.press('ArrowRight')
    await page.waitForURL(/#\/inventory\/datasets/)
    // Ctrl+F focuses the search field of the screen.
    // (The new tab's field registers as it renders: under load the first press can come before.)
    await expect
      .poll(async () => {
        await page.keyboard.press('Control+f')
        return activeTestId(page)
      })
      .toBe('inventory-search')
    // Ctrl+3: Findings. Open the first finding and accept its risk without the mouse.
    await page.keyboard.press('Control+3')
    await page.getByTestId('finding-row').first().waitFor()
    await tabTo(page, 'finding-list')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.getByTestId('finding-pane').waitFor()
    await tabTo(page, 'accept-risk')
    await page.keyboard.press('Enter')
    await page.getByTestId('accept-dialog').waitFor()
    expect(await activeTestId(page)).toBe('accept-note')
    await page.keyboard.type('Reviewed: test fixture on a sandboxed machine.')
    await tabTo(page, 'accept-confirm')
    await page.keyboard.press('Enter')
    await page.getByTestId('acceptance').waitFor()
    // Esc closes the pane; focus stays in the list.
    await page.keyboard.press('Escape')
    await page.getByTestId('finding-pane').waitFor({ state: 'detached' })
  })

  it('every focusable control has a visible focus ring', async () => {
    const { page } = s.app
    await page.goto(`${s.url}#/overview`)
    await page.getByTestId('scan-now').waitFor()
    await tabTo(page, 'scan-now')
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle,
    )
    expect(outline).not.toBe('none')
  })

  const screens: [string, string, string][] = [
    ['overview', '#/overview', 'kind-grid'],
    ['inventory', '#/inventory/models', 'asset-row'],
    ['inventory with a detail pane', '#/inventory/keys', 'asset-row'],
    ['findings', '#/findings', 'finding-row'],
    ['settings', '#/settings/scanning', 'panel-scanning'],
    ['settings, probes', '#/settings/probes', 'panel-probes'],
    ['settings, sync with what is shared', '#/settings/sync', 'sync-enroll'],
    ['about', '#/about', 'about-info'],
  ]
  it.each(screens)('%s has no axe-core violations in light and dark', async (name, hash, ready) => {
    const { page } = s.app
    await page.goto(`${s.url}${hash}`)
    await page.getByTestId(ready).first().waitFor()
    if (name.includes('detail')) {
      await page.getByTestId('asset-row').first().click()
      await page.getByTestId('asset-pane').getByTestId('asset-findings').waitFor()
    }
    if (name.includes('what is shared')) {
      await page.getByTestId('shared-toggle').click()
      await page.getByTestId('shared-preview').waitFor({ timeout: 60_000 })
      await page.getByTestId('shared-samples').locator('summary').first().click()
      await page.getByTestId('shared-item').first().locator('summary').click()
    }
    if (name === 'findings') {
      await page.getByTestId('finding-row').first().click()
      await page.getByTestId('finding-why').waitFor()
    }
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      const v = await axe(page)
      expect(v, describeViolations(v)).toEqual([])
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('the model report and the accept-risk dialog have no axe-core violations', async () => {
    const { page } = s.app
    await page.goto(`${s.url}#/inventory/models?verdict=malicious`)
    await page.getByTestId('asset-row').first().click()
    await page.getByTestId('open-model-report').click()
    await page.getByTestId('report-summary').waitFor({ timeout: 30_000 })
    expect(describeViolations(await axe(page))).toBe('')
    await page.goto(`${s.url}#/findings`)
    await page.getByTestId('finding-row').first().click()
    await page.getByTestId('accept-risk').click()
    await page.getByTestId('accept-dialog').waitFor()
    expect(describeViolations(await axe(page))).toBe('')
  })
})
