import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../src/core/storage/db'
import { makeFakeHome, write } from '../fixtures/generators/fake-home'
import { ggufBytes } from '../fixtures/generators/homes/stores-files'
import { HAS_CHROMIUM, launchChromium } from '../helpers/chromium'
import {
  CLI,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
} from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'
import { assertBuilt, shoot } from './e2e-helpers'

/**
 * The fleet dashboard in Debian Chromium against a real `aiscout server start` on loopback, with
 * two laptops synced by the real CLI (`aiscout scan --sync` from generated fake homes). Screens
 * are saved in light and dark under test-results/dashboard; AISCOUT_UPDATE_SCREENSHOTS=1 also
 * copies them to docs/screenshots (the README shows those).
 */
const XSS_NAME = '<img src=x onerror=alert(1)>'
const PASSWORD = { admin: 'dashboard admin password', viewer: 'dashboard viewer password' }

/**
 * Each laptop runs under its own host name where the machine allows a UTS namespace (root, as on
 * the team's machines); elsewhere both keep the real one and the test tells them apart by id.
 */
const CAN_NAME_HOSTS =
  spawnSync('unshare', ['-u', 'sh', '-c', 'hostname probe-host'], { timeout: 10_000 }).status === 0

function cli(args: string[], env: Record<string, string> = {}, host?: string) {
  const [cmd, argv] =
    host && CAN_NAME_HOSTS
      ? [
          'unshare',
          ['-u', 'sh', '-c', 'hostname "$0" && exec "$@"', host, process.execPath, CLI, ...args],
        ]
      : [process.execPath, [CLI, ...args]]
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

type Laptop = { db: string; home: string; host: string; id: string }

afterAll(stopAllServerProcesses)

describe.skipIf(!HAS_CHROMIUM)('fleet dashboard in Chromium with two synced laptops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-dash-e2e-'))
  const data = join(dir, 'server')
  let srv: ServerProcess
  let browser: Browser
  let admin: BrowserContext
  let page: Page
  const laptops: Laptop[] = []
  const dialogs: string[] = []
  const pageErrors: string[] = []
  let receiver: Server
  const received: { path: string; body: string }[] = []
  let sha = ''

  beforeAll(async () => {
    assertBuilt()
    // Alerts go to a receiver in this process: Slack's shape and a signed webhook.
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        received.push({ path: req.url ?? '', body })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    const rxUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`
    const alerts = join(dir, 'alerts.json')
    writeFileSync(
      alerts,
      JSON.stringify({
        windowS: 1,
        notifiers: [
          { name: 'secops-slack', kind: 'slack', url: `${rxUrl}/slack` },
          {
            name: 'siem',
            kind: 'webhook',
            url: `${rxUrl}/hook`,
            secret: 'env:AISCOUT_TEST_HOOK_SECRET',
          },
        ],
      }),
    )
    srv = await startServerProcess({
      port: await freePort(),
      dataDir: data,
      args: ['--alerts', alerts],
      env: {
        AISCOUT_TEST_HOOK_SECRET: `whsec_${Buffer.from('e2e webhook key').toString('base64')}`,
      },
    })
    const pw = join(dir, 'pw')
    writeFileSync(pw, PASSWORD.admin, { mode: 0o600 })
    expect(
      cli(['server', 'admin', 'create', '--data', data, '--user', 'ada', '--password-file', pw])
        .code,
    ).toBe(0)
    writeFileSync(pw, PASSWORD.viewer)
    expect(
      cli([
        'server',
        'admin',
        'create',
        '--data',
        data,
        '--user',
        'vic',
        '--role',
        'viewer',
        '--password-file',
        pw,
      ]).code,
    ).toBe(0)
    const secret = cli(['server', 'enroll-secret', 'create', '--data', data])
      .stdout.trimEnd()
      .split('\n')
      .pop()!
    for (const host of ['ada-laptop', 'bob-laptop']) {
      const fake = makeFakeHome()
      if (host === 'ada-laptop')
        write(join(fake.home, 'models', `${XSS_NAME}.gguf`), ggufBytes(XSS_NAME))
      sha = createHash('sha256').update(readFileSync(fake.paths.good)).digest('hex')
      const db = join(dir, `${host}.db`)
      const r = cli(
        [
          'scan',
          '--home',
          fake.home,
          '--db',
          db,
          '--quiet',
          '--format',
          'json',
          '--out',
          join(dir, `${host}.json`),
          '--sync',
          '--server',
          srv.url,
          '--enroll-secret',
          secret,
        ],
        { AISCOUT_HARDWARE_ID: host },
        host,
      )
      expect(r.stdout + r.stderr).toMatch(/everything acknowledged/)
      const inv = openDb(db)
      const id = (
        inv.prepare(`SELECT value FROM sync_state WHERE key = 'deviceId'`).get() as {
          value: string
        }
      ).value
      inv.close()
      laptops.push({ db, home: fake.home, host: CAN_NAME_HOSTS ? host : hostname(), id })
    }
    browser = await launchChromium()
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await admin.newPage()
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`)
      // Only the revoke confirmation is expected; an alert would be the XSS payload running.
      void (d.type() === 'confirm' ? d.accept() : d.dismiss())
    })
    page.on('pageerror', (e) => pageErrors.push(e.message))
  })
  afterAll(async () => {
    await browser?.close()
    await srv?.kill('SIGTERM')
    receiver?.closeAllConnections()
    await new Promise((r) => receiver?.close(r))
  })

  it('signs in and shows the fleet status, both devices and their findings', async () => {
    await page.goto(srv.url)
    await page.getByLabel('User name').waitFor()
    await shoot(page, 'sign-in')
    await page.getByLabel('User name').fill('ada')
    await page.getByLabel('Password').fill('wrong password here')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect
      .poll(() => page.getByTestId('signin-error').textContent())
      .toMatch(/Wrong user name/)
    await page.getByLabel('Password').fill(PASSWORD.admin)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('fleet-status').waitFor()
    expect(await page.getByTestId('fleet-status').textContent()).toMatch(
      /critical or high findings on 2 of 2 devices/,
    )
    expect(
      Number(await page.getByTestId('total-critical').locator('.n').textContent()),
    ).toBeGreaterThan(0)
    await shoot(page, 'overview')

    await page.getByRole('link', { name: 'Devices', exact: true }).click()
    const table = page.getByTestId('devices-table')
    await table.getByText(laptops[1]!.host).first().waitFor()
    expect(await table.locator('tbody tr').count()).toBe(2)
    await shoot(page, 'devices')
  })

  it('device detail: inventory shows a file named like HTML as text, and no script runs', async () => {
    await page.goto(`${srv.url}/#/devices/${laptops[0]!.id}`)
    await page.getByTestId('assets-table').waitFor()
    const cell = page.getByTestId('assets-table').getByText(XSS_NAME, { exact: false }).first()
    await cell.waitFor()
    expect(await cell.textContent()).toContain(XSS_NAME)
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(dialogs.filter((d) => d.startsWith('alert'))).toEqual([])
    await shoot(page, 'device')
  })

  it('fleet search finds the same model hash and the same key fingerprint on both laptops', async () => {
    await page.goto(`${srv.url}/#/search?q=${sha}`)
    const section = page.getByTestId('section-sha256')
    await section.waitFor()
    const hrefs = await section
      .getByTestId('holder')
      .evaluateAll((rows) => rows.map((r) => r.querySelector('a')!.getAttribute('href')))
    expect(hrefs.sort()).toEqual(laptops.map((l) => `#/devices/${l.id}`).sort())
    await shoot(page, 'search')
    // The key's fingerprint, as the dashboard's API lists it for the first laptop.
    const devices = (await (await page.request.get(`${srv.url}/api/fleet/v1/devices`)).json())
      .devices as {
      id: string
      hostname: string
    }[]
    const ada = devices.find((d) => d.hostname === 'ada-laptop')!
    const keys = (
      await (
        await page.request.get(`${srv.url}/api/fleet/v1/devices/${ada.id}/assets?kind=secret`)
      ).json()
    ).assets as { fingerprint: string | null }[]
    const fp = keys.find((k) => k.fingerprint)!.fingerprint!
    await page.getByLabel('Search the fleet').fill(fp)
    await page.getByRole('button', { name: 'Search' }).click()
    const fpSection = page.getByTestId('section-fingerprint')
    await fpSection.waitFor()
    expect(await fpSection.getByTestId('holder').count()).toBe(2)
    // The asset link opens the device with that asset shown.
    await fpSection
      .getByTestId('holder')
      .first()
      .locator('td')
      .nth(1)
      .getByRole('link')
      .first()
      .click()
    await page.getByTestId('focused-asset').waitFor()
    expect(await page.getByTestId('focused-asset').textContent()).toContain(fp)
    // SQL-shaped input is only text.
    await page.goto(`${srv.url}/#/search?q=${encodeURIComponent("' OR 1=1 --")}`)
    await page.getByTestId('no-results').waitFor()
  })

  it('accepting a finding’s risk reaches the laptop on its next sync', async () => {
    await page.goto(`${srv.url}/#/findings?severity=critical`)
    const rows = page.getByTestId('findings-table').locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(2)
    await page.goto(`${srv.url}/#/findings?severity=critical&device=${laptops[0]!.id}`)
    await expect.poll(() => rows.count()).toBe(1)
    await rows.first().click()
    const pane = page.getByTestId('finding-pane')
    await pane
      .getByLabel('Why this is acceptable')
      .fill('Malware research sample, kept in a sandbox VM')
    await shoot(page, 'findings')
    await pane.getByRole('button', { name: 'Accept risk' }).click()
    await pane.getByText('Risk accepted').waitFor()
    const findings = (
      await (await page.request.get(`${srv.url}/api/fleet/v1/findings?status=accepted`)).json()
    ).findings as {
      key: string
      hostname: string
    }[]
    expect(findings.map((f) => f.hostname)).toEqual(['ada-laptop'])
    const key = findings[0]!.key

    const synced = cli(['sync', '--db', laptops[0]!.db])
    expect(synced.code, synced.stderr).toBe(0)
    const inv = openDb(laptops[0]!.db)
    const row2 = inv.prepare(`SELECT value FROM sync_state WHERE key = 'config'`).get() as {
      value: string
    }
    inv.close()
    const config = JSON.parse(row2.value) as {
      acceptedRisks: { findingKey: string; note: string; acceptedBy: string }[]
    }
    expect(config.acceptedRisks).toEqual([
      expect.objectContaining({
        findingKey: key,
        note: 'Malware research sample, kept in a sandbox VM',
        acceptedBy: 'ada',
      }),
    ])
    // Applied, not just stored: the laptop's own export shows the finding accepted by the team.
    const exported = cli(['export', '--format', 'json', '--db', laptops[0]!.db])
    expect(exported.code, exported.stderr).toBe(0)
    const doc = JSON.parse(exported.stdout) as {
      findings: { id: string; accepted?: { note: string; acceptedBy: string; source: string } }[]
    }
    expect(doc.findings.find((f) => f.id === key)?.accepted).toMatchObject({
      note: 'Malware research sample, kept in a sandbox VM',
      acceptedBy: 'ada',
      source: 'server',
    })
    expect(doc.findings.filter((f) => f.accepted).map((f) => f.id)).toEqual([key])
  })

  it('revoking a device from its page refuses its next sync', async () => {
    const devices = (await (await page.request.get(`${srv.url}/api/fleet/v1/devices`)).json())
      .devices as {
      id: string
      hostname: string
    }[]
    const bob = devices.find((d) => d.hostname === 'bob-laptop')!
    await page.goto(`${srv.url}/#/devices/${bob.id}`)
    await page.getByRole('button', { name: 'Revoke device' }).click()
    await page.getByTestId('revoked').waitFor()
    expect(dialogs.some((d) => d.startsWith(`confirm: Revoke ${laptops[1]!.host}`))).toBe(true)
    const r = cli(['sync', '--db', laptops[1]!.db])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/revoked/i)
  })

  it('alerts for the laptops’ new findings reached Slack and the webhook, logged in the dashboard', async () => {
    await expect
      .poll(() => received.filter((r) => r.path === '/hook').length, { timeout: 20_000 })
      .toBeGreaterThan(0)
    const rules = new Set(
      received.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body).data.rule_id),
    )
    expect(rules.has('pickle.dangerous-callable')).toBe(true)
    await page.goto(`${srv.url}/#/alerts`)
    const log = page.getByTestId('deliveries')
    await log.getByText('Delivered').first().waitFor()
    expect(await log.getByText('secops-slack').count()).toBeGreaterThan(0)
    await shoot(page, 'alerts')
  })

  it('enroll secrets and the audit log (admin)', async () => {
    await page.goto(`${srv.url}/#/secrets`)
    await page.getByRole('button', { name: 'Create secret' }).click()
    await page.getByTestId('new-secret').waitFor()
    expect(await page.getByTestId('new-secret').textContent()).toMatch(/aise_/)
    await shoot(page, 'secrets')
    await page.goto(`${srv.url}/#/audit`)
    const audit = page.getByTestId('audit-table')
    await audit.getByText('device-revoke').waitFor()
    for (const action of ['sign-in', 'sign-in-failed', 'risk-accept', 'enroll-secret-create']) {
      expect(await audit.getByText(action, { exact: true }).count(), action).toBeGreaterThan(0)
    }
    await shoot(page, 'audit')
    expect(pageErrors).toEqual([])
  })

  it('the theme picked in the sidebar wins over the OS preference, and System follows it again', async () => {
    // An expression string: this file is typed without the DOM library.
    const bg = async (): Promise<string> =>
      String(await page.evaluate('getComputedStyle(document.body).backgroundColor'))
    const picker = page.getByLabel('Theme')
    const LIGHT = 'rgb(246, 247, 249)'
    const DARK = 'rgb(20, 23, 28)'
    await page.emulateMedia({ colorScheme: 'light' })
    expect(await bg()).toBe(LIGHT)
    await picker.selectOption('dark')
    expect(await bg()).toBe(DARK)
    await page.emulateMedia({ colorScheme: 'dark' })
    await picker.selectOption('light')
    expect(await bg()).toBe(LIGHT)
    await picker.selectOption('system')
    expect(await bg()).toBe(DARK)
    await page.emulateMedia({ colorScheme: 'light' })
    expect(await bg()).toBe(LIGHT)
  })

  it('a viewer sees the fleet but no admin actions, and the server refuses them', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const v = await ctx.newPage()
    try {
      await v.goto(srv.url)
      await v.getByLabel('User name').fill('vic')
      await v.getByLabel('Password').fill(PASSWORD.viewer)
      await v.getByRole('button', { name: 'Sign in' }).click()
      await v.getByTestId('whoami').waitFor()
      expect(await v.getByRole('link', { name: 'Enroll secrets' }).count()).toBe(0)
      const devices = (await (await v.request.get(`${srv.url}/api/fleet/v1/devices`)).json())
        .devices as {
        id: string
        hostname: string
      }[]
      const ada = devices.find((d) => d.hostname === 'ada-laptop')!
      await v.goto(`${srv.url}/#/devices/${ada.id}`)
      await v.getByTestId('assets-table').waitFor()
      expect(await v.getByRole('button', { name: 'Revoke device' }).count()).toBe(0)
      // Forcing the call from the page, with a valid CSRF token, is refused by the server.
      const status = await v.evaluate(async (id) => {
        const s = (await (await fetch('/api/dashboard/v1/session')).json()) as { csrfToken: string }
        const r = await fetch(`/api/fleet/v1/devices/${id}/revoke`, {
          method: 'POST',
          headers: { 'x-csrf-token': s.csrfToken },
        })
        return r.status
      }, ada.id)
      expect(status).toBe(403)
      // A viewer exports the fleet inventory from the Devices page (the same as server export).
      await v.goto(`${srv.url}/#/devices`)
      for (const [name, type] of [
        ['Export CSV', 'text/csv'],
        ['Export CycloneDX', 'application/vnd.cyclonedx+json'],
      ] as const) {
        const link = v.getByRole('link', { name })
        const res = await v.request.get(`${srv.url}${await link.getAttribute('href')}`)
        expect(res.status()).toBe(200)
        expect(res.headers()['content-type']).toContain(type)
        expect(await res.text()).toContain(laptops[0]!.id)
      }
      await v.goto(`${srv.url}/#/secrets`)
      await v.getByText('This page needs the admin role.').waitFor()
    } finally {
      await ctx.close()
    }
  })
})
