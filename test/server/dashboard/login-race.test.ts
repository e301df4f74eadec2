import { afterAll, describe, expect, it } from 'vitest'
import { stopPg } from '../helpers/engines'
import { Browser, PASSWORDS, startDashServer } from './helpers'

afterAll(stopPg)

describe('the per-user sign-in lockout under concurrent attempts', () => {
  it('checks at most the limit of wrong passwords, however many arrive at once', async () => {
    const t = await startDashServer('sqlite', { loginPerMinute: 1000 })
    try {
      // 60 addresses guess ada's password at the same moment.
      const browsers = Array.from(
        { length: 60 },
        (_, i) => new Browser(t.app, `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`),
      )
      const results = await Promise.all(browsers.map((b) => b.signIn('ada', 'wrong password 12')))
      const statuses = results.map((r) => r.status)
      const checked = statuses.filter((s) => s === 401).length
      expect(checked).toBeGreaterThan(0)
      expect(checked).toBeLessThanOrEqual(10)
      expect(statuses.filter((s) => s === 429).length).toBe(60 - checked)
      // The name is locked for the window, the right password included.
      expect((await new Browser(t.app, '10.9.9.9').signIn('ada', PASSWORDS.admin)).status).toBe(429)
    } finally {
      await t.close()
    }
  })
})
