import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import { HAS_CHROMIUM, launchChromium } from '../helpers/chromium'
import { stopAllServerProcesses } from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'
import { assertBuilt, runCli, shoot, startFleet } from './e2e-helpers'

/**
 * The Policies screen in Debian Chromium against a real `aiscout server start`, with a laptop
 * synced by the real CLI: an admin creates a policy (the server's validation message shown in
 * the form first), the laptop's next sync reports its violation, which the Findings screen lists
 * under the policy's name; turned off and deleted from the list. Screens are saved in light and
 * dark as the fleet dashboard's are (AISCOUT_UPDATE_SCREENSHOTS=1 copies them to docs/).
 */
const PASSWORD = 'policy admin password'
const cli = (args: string[]) => runCli(args)

afterAll(stopAllServerProcesses)

describe.skipIf(!HAS_CHROMIUM)('fleet policies in the dashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-policies-e2e-'))
  const db = join(dir, 'laptop.db')
  const fake = makeFakeHome()
  let srv: ServerProcess
  let browser: Browser
  let page: Page
  const dialogs: string[] = []
  const pageErrors: string[] = []

  const shootPage = (name: string) => shoot(page, name)

  beforeAll(async () => {
    assertBuilt()
    const fleet = await startFleet(dir, PASSWORD)
    srv = fleet.srv
    const secret = fleet.secret
    const r = cli([
      'scan',
      '--home',
      fake.home,
      '--db',
      db,
      '--quiet',
      '--format',
      'json',
      '--out',
      join(dir, 'scan.json'),
      '--sync',
      '--server',
      srv.url,
      '--enroll-secret',
      secret,
    ])
    expect(r.out).toMatch(/everything acknowledged/)
    browser = await launchChromium()
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await ctx.newPage()
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`)
      void (d.type() === 'confirm' ? d.accept() : d.dismiss())
    })
    page.on('pageerror', (e) => pageErrors.push(e.message))
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.kill('SIGTERM')
  })

  it('an admin creates a policy by keyboard; the laptop reports its violation under the policy’s name', async () => {
    await page.goto(srv.url)
    await page.getByLabel('User name').fill('ada')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('fleet-status').waitFor()
    await page.getByRole('link', { name: 'Policies', exact: true }).click()
    await page.getByText('No policies yet.', { exact: false }).waitFor()

    // The form by keyboard: the name field has focus, Tab moves through the fields.
    await page.getByRole('button', { name: 'New policy' }).press('Enter')
    const form = page.getByRole('form', { name: 'New policy' })
    await form.waitFor()
    await page.keyboard.type('No pickle models')
    expect(
      await page.evaluate(
        'document.activeElement && document.activeElement.getAttribute("aria-label")',
      ),
    ).toBe('Name')
    await form.getByLabel('Severity', { exact: true }).selectOption('critical')
    await form.getByLabel('Formats', { exact: true }).fill('pickle, safetensor')
    await form.getByLabel('Formats', { exact: true }).press('Enter')
    // The server's validation message, naming the field, in the form.
    const err = form.getByRole('alert')
    await err.waitFor()
    expect(await err.textContent()).toMatch(/rule\.formats\.1 "safetensor" is not a model format/)
    await shootPage('policy-form')
    await form.getByLabel('Formats', { exact: true }).fill('pickle')
    await form.getByRole('button', { name: 'Create policy' }).click()
    const row = page.getByRole('row', { name: /No pickle models/ })
    await row.waitFor()
    expect(await row.textContent()).toMatch(/Model formats.*Block pickle.*Everyone.*Critical.*On/)
    await shootPage('policies')

    // The laptop's next sync fetches it, evaluates it and reports the violation.
    const s = cli(['sync', '--db', db, '--server', srv.url])
    expect(s.code, s.out).toBe(0)
    await page.goto(`${srv.url}/#/findings?rule=policy.model-format`)
    const finding = page
      .getByTestId('findings-table')
      .getByText('Model format not allowed by policy: No pickle models')
    await finding.first().waitFor()
    expect(await page.getByTestId('findings-table').locator('tbody tr').count()).toBe(1)
  })

  it('turns a policy off and deletes it after a confirmation', async () => {
    await page.goto(`${srv.url}/#/policies`)
    const row = page.getByRole('row', { name: /No pickle models/ })
    await row.getByRole('button', { name: 'Turn off No pickle models' }).click()
    await row.getByText('Off', { exact: true }).waitFor()
    await row.getByRole('button', { name: 'Delete' }).click()
    await page.getByText('No policies yet.', { exact: false }).waitFor()
    expect(dialogs).toEqual([
      expect.stringMatching(/^confirm: Delete the policy "No pickle models"/),
    ])
    expect(pageErrors).toEqual([])
  })
})
