import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { safetensors, write } from '../fixtures/generators/fake-home'

const CLI = join(resolve(__dirname, '../..'), 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-cov-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const run = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: tmp, NO_COLOR: '1' },
    timeout: 120_000,
  })

describe('aiscout scan coverage', () => {
  it('says what an almost empty home scan looked at, in one line', () => {
    const home = join(tmp, 'empty')
    mkdirSync(home)
    const r = run(['scan', '--home', home, '--db', join(tmp, 'e.db'), '--quiet'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(
      /^checked [1-9][\d,]* known locations, crawled 0 files in 1 folder, pruned 0 folders, skipped 0 paths$/m,
    )
  })

  it('counts pruned folders by rule and records the counts in the scan stats', () => {
    const home = join(tmp, 'home')
    write(join(home, 'm', 'a.safetensors'), safetensors())
    for (const d of ['x/node_modules', 'y/node_modules', 'z/.git', '.cache/pip'])
      mkdirSync(join(home, d), { recursive: true })
    const db = join(tmp, 'h.db')
    const r = run(['scan', '--home', home, '--db', db, '--quiet'])
    expect(r.stdout).toContain('pruned 4 folders (node_modules 2, .git 1, cache 1)')
    const j = JSON.parse(run(['export', '--db', db, '--format', 'json']).stdout)
    expect(j.scan.stats).toMatchObject({
      prunedDirs: 4,
      pruned: { node_modules: 2, '.git': 1, cache: 1 },
      locationsChecked: expect.any(Number),
    })
    expect(j.scan.stats.locationsChecked).toBeGreaterThan(0)
  })
})
