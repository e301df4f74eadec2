import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openDb, readSettings, writeSettingsSection } from '../../src/core'
import { maliciousPickle, safetensors, write } from '../fixtures/generators/fake-home'
import { isAlive, waitFor } from '../helpers/wait'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-watch-'))
const ENV = { PATH: '/usr/bin:/bin', HOME: tmp, NO_COLOR: '1' }

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

type Watch = {
  child: ChildProcessWithoutNullStreams
  out: () => string
  err: () => string
  exit: Promise<number | null>
}

function watch(args: string[]): Watch {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: ENV })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return { child, out: () => out, err: () => err, exit }
}

describe('aiscout watch', () => {
  const running: Watch[] = []
  afterEach(async () => {
    for (const w of running.splice(0)) {
      if (w.child.exitCode === null) w.child.kill('SIGKILL')
      await w.exit
    }
  })

  it('scans once on a new inventory, prints one JSON line per delta and exits 0 on SIGTERM', async () => {
    const home = join(tmp, 'home-json')
    write(join(home, 'models', 'a.safetensors'), safetensors())
    mkdirSync(join(home, 'Downloads'))
    const db = join(tmp, 'json.db')
    const w = watch(['--home', home, '--db', db, '--format', 'json'])
    running.push(w)
    await waitFor(() => /watching \d+ folders/.test(w.err()), 'the watcher ready', 60_000)
    expect(w.err()).toContain('no full scan in this inventory yet')
    const first = JSON.parse(w.out().trim().split('\n')[0]!)
    expect(first).toMatchObject({
      schemaVersion: 1,
      reason: 'first-scan',
      scan: { scope: { kind: 'full' } },
    })
    expect(first.delta.assets.added.map((a: { path: string }) => a.path)).toContain(
      join(home, 'models', 'a.safetensors'),
    )
    const evil = join(home, 'Downloads', 'evil.pkl')
    writeFileSync(evil, maliciousPickle())
    await waitFor(() => w.out().trim().split('\n').length >= 2, 'a delta line', 60_000)
    const lines = w
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const line = lines[1]
    expect(line.reason).toBe('change')
    expect(line.scan.scope).toEqual({ kind: 'paths', paths: [evil] })
    expect(line.delta.assets.added).toEqual([
      expect.objectContaining({ path: evil, verdict: 'malicious' }),
    ])
    expect(line.delta.findings.opened.map((f: { ruleId: string }) => f.ruleId)).toContain(
      'pickle.dangerous-callable',
    )
    w.child.kill('SIGTERM')
    expect(await w.exit).toBe(0)
    expect(isAlive(w.child.pid!)).toBe(false)
    expect(w.err()).toContain('stopped')
  }, 120_000)

  it('prints a text line per delta, watches its roots and stops cleanly on SIGINT', async () => {
    const home = join(tmp, 'home-text')
    const extra = join(tmp, 'extra-root')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    mkdirSync(join(extra, 'sub'), { recursive: true })
    const db = join(tmp, 'text.db')
    expect(
      spawnSync(
        process.execPath,
        [CLI, 'scan', '--home', home, '--root', extra, '--db', db, '-q'],
        {
          env: ENV,
        },
      ).status,
    ).toBe(0)
    const w = watch(['--home', home, '--root', extra, '--db', db])
    running.push(w)
    await waitFor(() => /watching \d+ folders/.test(w.err()), 'the watcher ready', 60_000)
    expect(w.err()).not.toContain('no full scan')
    expect(w.err()).toMatch(/1 roots?/)
    const m = join(extra, 'sub', 'w.safetensors')
    writeFileSync(m, safetensors())
    await waitFor(() => w.out().includes('w.safetensors'), 'the text line', 60_000)
    const lines = w.out().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/assets \+1 ~0 -0 {2}findings \+0 ~0 -0 {2}\+ model w\.safetensors/)
    w.child.kill('SIGINT')
    expect(await w.exit).toBe(0)
  }, 120_000)

  it('watches a root saved in the inventory settings while it runs, as the app saves it', async () => {
    const home = join(tmp, 'home-settings')
    const drive = join(tmp, 'drive-settings')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    write(join(drive, 'ckpt', 'kept.safetensors'), safetensors())
    const dbPath = join(tmp, 'settings.db')
    const w = watch(['--home', home, '--db', dbPath, '--format', 'json'])
    running.push(w)
    await waitFor(() => /watching \d+ folders/.test(w.err()), 'the watcher ready', 60_000)
    // Another process (the app's database worker) saves a root in Settings.
    const db = openDb(dbPath)
    try {
      writeSettingsSection(db, 'scan', { ...readSettings(db).scan, roots: [drive] })
    } finally {
      db.close()
    }
    const kept = join(drive, 'ckpt', 'kept.safetensors')
    await waitFor(() => w.out().includes(kept), 'the saved root scanned', 60_000)
    const line = w
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.reason === 'settings')
    expect(line.delta.assets.added).toEqual([expect.objectContaining({ path: kept })])
    const dropped = join(drive, 'ckpt', 'new.safetensors')
    writeFileSync(dropped, safetensors())
    await waitFor(() => w.out().includes(dropped), 'a file dropped into the saved root', 60_000)
    w.child.kill('SIGTERM')
    expect(await w.exit).toBe(0)
  }, 120_000)

  it('says which roots are too big for the budget', async () => {
    const home = join(tmp, 'home-budget')
    const big = join(tmp, 'big-root')
    for (let i = 0; i < 30; i++) mkdirSync(join(big, `d${i}`), { recursive: true })
    mkdirSync(home, { recursive: true })
    const db = join(tmp, 'budget.db')
    const w = watch(['--home', home, '--root', big, '--db', db, '--budget', '10'])
    running.push(w)
    await waitFor(() => /watching \d+ folders/.test(w.err()), 'the watcher ready', 60_000)
    // The path is shown relative to the user's home (HOME is the test's folder here).
    expect(w.err()).toContain(
      '~/big-root is too big for the watch budget: rescanned every 30 minutes instead',
    )
    w.child.kill('SIGTERM')
    expect(await w.exit).toBe(0)
  }, 120_000)

  it('refuses bad arguments with one line and exit 2', () => {
    for (const args of [
      ['--format', 'xml'],
      ['--budget', '0'],
      ['--home', join(tmp, 'nope')],
      ['stray'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, 'watch', ...args], { env: ENV, encoding: 'utf8' })
      expect(r.status).toBe(2)
      expect(r.stderr.split('\n')[0]).toMatch(/^aiscout: /)
    }
  })
})
