import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { CLI, freePort, ROOT, startServerProcess } from '../server/helpers/server-process'
import type { ServerProcess } from '../server/helpers/server-process'

/** What the dashboard's browser tests share: the built files, screenshots, the CLI, a server. */

export const DASHBOARD = join(ROOT, 'out/dashboard/index.html')
const SHOTS = join(ROOT, 'test-results/dashboard')
const DOCS_SHOTS = join(ROOT, 'docs/screenshots')

/** Fails the suite early, and says why, when `npm run build` has not run. */
export function assertBuilt(): void {
  if (!existsSync(DASHBOARD) || !existsSync(CLI))
    throw new Error('out/dashboard or out/cli is missing: run `npm run build` first')
}

/**
 * Saves the page in light and dark under test-results/dashboard; AISCOUT_UPDATE_SCREENSHOTS=1
 * also copies them to docs/screenshots (the README shows those).
 */
export async function shoot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme })
    const file = join(SHOTS, `dashboard-${name}-${scheme}.png`)
    await p.screenshot({ path: file })
    if (process.env.AISCOUT_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(DOCS_SHOTS, { recursive: true })
      copyFileSync(file, join(DOCS_SHOTS, `dashboard-${name}-${scheme}.png`))
    }
  }
  await p.emulateMedia({ colorScheme: 'light' })
}

export type CliRun = { code: number | null; stdout: string; stderr: string; out: string }

/** The built `aiscout` CLI, run to the end (`out`: stdout then stderr). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 180_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr }
}

export type Fleet = Readonly<{ srv: ServerProcess; data: string; secret: string }>

/**
 * A real `aiscout server start` on loopback with its data in `dir/server`, an admin `ada` with
 * `password` and a new enroll secret (the last line `enroll-secret create` prints).
 */
export async function startFleet(dir: string, password: string): Promise<Fleet> {
  const data = join(dir, 'server')
  const srv = await startServerProcess({ port: await freePort(), dataDir: data })
  const pw = join(dir, 'admin.pw')
  writeFileSync(pw, password, { mode: 0o600 })
  const made = runCli([
    'server',
    'admin',
    'create',
    '--data',
    data,
    '--user',
    'ada',
    '--password-file',
    pw,
  ])
  if (made.code !== 0) throw new Error(`admin create failed: ${made.out}`)
  const created = runCli(['server', 'enroll-secret', 'create', '--data', data])
  if (created.code !== 0) throw new Error(`enroll-secret create failed: ${created.out}`)
  return { srv, data, secret: created.stdout.trimEnd().split('\n').pop()! }
}
