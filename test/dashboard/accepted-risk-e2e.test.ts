import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptRisk, activeAcceptances } from '../../src/core/storage/accepted-risks'
import { openDb } from '../../src/core/storage/db'
import { makeFakeHome } from '../fixtures/generators/fake-home'
import { HAS_CHROMIUM, launchChromium } from '../helpers/chromium'
import { stopAllServerProcesses } from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'
import { assertBuilt, runCli, shoot, startFleet } from './e2e-helpers'

/**
 * Accepted risk in the dashboard, both ways, in Debian Chromium against a real `aiscout server
 * start` and a laptop synced by the real CLI: a finding the laptop's user accepted shows as
 * accepted on the laptop, read-only; one an admin accepts shows as accepted on the server, reaches
 * the laptop on its next `aiscout sync`, and the admin can reopen it (audit-logged), after which
 * the laptop counts it open again. Screens go to test-results/dashboard (docs/screenshots with
 * AISCOUT_UPDATE_SCREENSHOTS=1).
 */
const PASSWORD = 'accepted risk admin password'
const cli = (args: string[]) => runCli(args, { AISCOUT_HARDWARE_ID: 'risk-e2e-laptop' })

afterAll(stopAllServerProcesses)

describe.skipIf(!HAS_CHROMIUM)('accepted risk in the dashboard with a synced laptop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-risk-e2e-'))
  const db = join(dir, 'laptop.db')
  let srv: ServerProcess
  let browser: Browser
  let page: Page
  let deviceId = ''
  let laptopKey = ''
  let serverKey = ''

  beforeAll(async () => {
    assertBuilt()
    const fleet = await startFleet(dir, PASSWORD)
    srv = fleet.srv
    const secret = fleet.secret
    const fake = makeFakeHome()
    const r = cli([
      'scan',
      ...['--home', fake.home, '--db', db, '--quiet', '--sync'],
      ...['--server', srv.url, '--enroll-secret', secret],
    ])
    expect(r.stdout + r.stderr).toMatch(/everything acknowledged/)
    // The laptop's user accepts one critical or high finding (as the desktop app does), then syncs.
    const h = openDb(db)
    try {
      const crit = h
        .prepare(
          `SELECT id FROM findings WHERE status = 'open' AND severity IN ('critical', 'high') ORDER BY severity DESC, id`,
        )
        .all() as { id: string }[]
      expect(crit.length).toBeGreaterThanOrEqual(2)
      laptopKey = crit[0]!.id
      serverKey = crit[1]!.id
      acceptRisk(h, {
        findingId: laptopKey,
        note: 'Test fixture for our own scanner',
        acceptedBy: 'dev',
      })
      deviceId = (
        h.prepare(`SELECT value FROM sync_state WHERE key = 'deviceId'`).get() as { value: string }
      ).value
    } finally {
      h.close()
    }
    expect(cli(['sync', '--db', db]).code).toBe(0)
    browser = await launchChromium()
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await ctx.newPage()
    await page.goto(srv.url)
    await page.getByLabel('User name').fill('ada')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('fleet-status').waitFor()
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.kill('SIGTERM')
  })

  /** A finding's row (FindingsTable gives each row the id finding-<device>/<key>). */
  const rowOf = (key: string) => page.locator(`[id="finding-${deviceId}/${key}"]`)

  it("a laptop user's acceptance: listed as accepted on the laptop, shown read-only", async () => {
    await page.goto(`${srv.url}/#/findings?status=accepted&source=device`)
    const rows = page.getByTestId('findings-table').locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rowOf(laptopKey).textContent()).toContain('Accepted on laptop')
    await rowOf(laptopKey).click()
    const pane = page.getByTestId('finding-pane')
    const dev = pane.getByTestId('device-acceptance')
    await dev.waitFor()
    expect(await dev.textContent()).toMatch(/Risk accepted on the laptop.*by dev/)
    expect(await dev.textContent()).toContain('Test fixture for our own scanner')
    // Read-only here: no reopen, and no second acceptance on top.
    expect(await pane.getByRole('button', { name: 'Reopen' }).count()).toBe(0)
    expect(await pane.getByRole('form', { name: 'Accept risk' }).count()).toBe(0)
    await shoot(page, 'finding-accepted-laptop')
    // Not among the server's acceptances, nor the open findings.
    await page.goto(`${srv.url}/#/findings?status=accepted&source=server`)
    await page.getByTestId('findings-table').waitFor()
    await expect.poll(() => rows.count()).toBe(0)
  })

  it("an admin's acceptance reaches the laptop; reopened by the admin, the laptop counts it open", async () => {
    await page.goto(`${srv.url}/#/findings?severity=critical,high&device=${deviceId}`)
    await rowOf(serverKey).waitFor()
    await rowOf(serverKey).click()
    const pane = page.getByTestId('finding-pane')
    await pane.getByLabel('Why this is acceptable').fill('Vendor sample, reviewed by secops')
    await pane.getByRole('button', { name: 'Accept risk' }).click()
    const srvAcc = pane.getByTestId('server-acceptance')
    await srvAcc.waitFor()
    expect(await srvAcc.textContent()).toMatch(/Risk accepted on the server.*by ada/)
    await shoot(page, 'finding-accepted-server')

    expect(cli(['sync', '--db', db]).code).toBe(0)
    const h = openDb(db)
    try {
      expect(activeAcceptances(h).get(serverKey)).toMatchObject({
        source: 'server',
        note: 'Vendor sample, reviewed by secops',
        acceptedBy: 'ada',
      })
    } finally {
      h.close()
    }

    await srvAcc.getByRole('button', { name: 'Reopen' }).click()
    await expect.poll(() => pane.getByTestId('server-acceptance').count()).toBe(0)
    const audit = await (await page.request.get(`${srv.url}/api/fleet/v1/audit`)).json()
    expect(JSON.stringify(audit)).toContain('risk-unaccept')
    expect(cli(['sync', '--db', db]).code).toBe(0)
    const h2 = openDb(db)
    try {
      expect(activeAcceptances(h2).has(serverKey)).toBe(false)
      // The laptop user's own acceptance is untouched.
      expect(activeAcceptances(h2).get(laptopKey)).toMatchObject({ source: 'local' })
    } finally {
      h2.close()
    }
  })
})
