import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptRisk } from '../../src/core/storage/accepted-risks'
import { writeSettingsSection } from '../../src/core/settings'
import { openDb } from '../../src/core/storage/db'
import { makeFakeHome, maliciousPickle, safetensors, write } from '../fixtures/generators/fake-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-settings-'))

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

type Out = {
  scan: { roots: string[] }
  assets: { path: string }[]
  findings: { id: string; severity: string; accepted?: { note: string } }[]
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('aiscout scan honours the settings saved in the --db inventory (the app writes them)', () => {
  it('adds saved roots and exclusions, skips a saved root that vanished, and turns hashing off', () => {
    const fake = makeFakeHome()
    const extra = mkdtempSync(join(tmp, 'extra-'))
    write(join(extra, 'weights', 'a.safetensors'), safetensors())
    write(join(extra, 'skip-me', 'b.safetensors'), safetensors())
    const db = join(tmp, 'inv.db')
    const h = openDb(db)
    writeSettingsSection(h, 'scan', {
      roots: [extra, join(tmp, 'gone-root')],
      exclude: ['**/skip-me/**'],
      hash: false,
      verifyDigests: false,
    })
    h.close()
    const r = run(['scan', '--home', fake.home, '--db', db, '--format', 'json'])
    expect(r.stderr).toBe(
      `aiscout: saved scan root ${join(tmp, 'gone-root')} is not a directory any more; skipped\n`,
    )
    const out = JSON.parse(r.stdout) as Omit<Out, 'assets'> & {
      assets: { path: string; sha256?: string }[]
    }
    expect(out.scan.roots).toEqual([fake.home, extra])
    const paths = out.assets.map((a) => a.path)
    expect(paths).toContain(join(extra, 'weights', 'a.safetensors'))
    expect(paths).not.toContain(join(extra, 'skip-me', 'b.safetensors'))
    // hash: false in settings: no digests computed for crawled files.
    expect(out.assets.find((a) => a.path === fake.paths.good)?.sha256).toBeUndefined()
    // Without the settings the same home is hashed: the setting is what turned it off.
    const plain = run([
      'scan',
      '--home',
      fake.home,
      '--db',
      join(tmp, 'plain.db'),
      '--format',
      'json',
    ])
    const p = JSON.parse(plain.stdout) as { assets: { path: string; sha256?: string }[] }
    expect(p.assets.find((a) => a.path === fake.paths.good)?.sha256).toMatch(/^[0-9a-f]{64}$/)
    rmSync(fake.home, { recursive: true, force: true })
  })

  it('an accepted finding is marked in the export and no longer fails the run', () => {
    const home = mkdtempSync(join(tmp, 'home-'))
    write(join(home, 'Downloads', 'evil.pkl'), maliciousPickle())
    const db = join(tmp, 'accept.db')
    const first = run(['scan', '--home', home, '--db', db, '--format', 'json'])
    expect(first.code).toBe(1)
    const out = JSON.parse(first.stdout) as Out
    const h = openDb(db)
    for (const f of out.findings)
      acceptRisk(h, { findingId: f.id, note: 'sandbox fixture', acceptedBy: 'test' })
    h.close()
    const again = run(['scan', '--home', home, '--db', db, '--format', 'json'])
    const after = JSON.parse(again.stdout) as Out
    expect(after.findings.length).toBe(out.findings.length)
    expect(after.findings.every((f) => f.accepted?.note === 'sandbox fixture')).toBe(true)
    expect(again.code).toBe(0)
  })
})
