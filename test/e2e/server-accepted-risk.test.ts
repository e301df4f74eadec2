import { describe, expect, it } from 'vitest'
import { openDb } from '../../src/core/storage/db'
import { storeConfig } from '../../src/core/sync/config'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { configWith } from '../helpers/accepted-risk'
import { shoot } from './helpers/app'
import { demoAppSuite } from './helpers/suite'

/**
 * The desktop app shows a finding the security team accepted on the server (arrived with the sync
 * config) as accepted by them, with their note; it leaves the open counts, and the app offers no
 * Reopen (only the team can), saying who to ask.
 */
describe.skipIf(!HAS_CHROMIUM)('desktop app: risk accepted by the security team', () => {
  const s = demoAppSuite('aiscout-ui-srisk-')

  it('is shown as accepted by the security team, out of the open counts, without Reopen', async () => {
    const { page } = s.app
    await page.getByTestId('scan-now').click()
    await page.getByTestId('scan-outcome').getByText('Scan complete').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('accepted-count').textContent()).toBe('0 accepted risks')
    // What `aiscout sync` (or the app's sync) does with a config listing one acceptance.
    const db = openDb(s.dbPath)
    let findingId: string
    try {
      findingId = (
        db
          .prepare(
            `SELECT id FROM findings WHERE status = 'open' AND severity = 'critical' LIMIT 1`,
          )
          .get() as { id: string }
      ).id
      storeConfig(
        db,
        configWith([
          {
            findingKey: findingId,
            note: 'Research sample, reviewed by secops',
            acceptedBy: 'ada',
            acceptedAt: new Date().toISOString(),
          },
        ]),
      )
    } finally {
      db.close()
    }
    await s.app.restart()
    await page.getByTestId('nav-overview').click()
    await expect
      .poll(() => page.getByTestId('accepted-count').textContent())
      .toBe('1 accepted risk')
    await page.getByTestId('accepted-count').click()
    await page.getByTestId('finding-row').first().click()
    const acc = page.getByTestId('acceptance')
    await acc.waitFor()
    const text = await acc.textContent()
    expect(text).toContain('Accepted by your security team')
    expect(text).toContain('Research sample, reviewed by secops')
    expect(text).toContain('ada')
    expect(await page.getByTestId('server-accepted').textContent()).toMatch(
      /ask your security team/,
    )
    expect(await page.getByTestId('reopen').count()).toBe(0)
    await acc.scrollIntoViewIfNeeded()
    await shoot(page, 'finding-accepted-by-team')
  })
})
