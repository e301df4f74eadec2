import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeFakeHome } from '../fixtures/generators/fake-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')

/** The physical-reference benchmark's debug option, through the real CLI in a child process. */
describe('AISCOUT_TRACE_OPENS (the files a scan opened)', () => {
  const work = mkdtempSync(join(tmpdir(), 'aiscout-trace-'))
  const fake = makeFakeHome()
  afterAll(() => {
    rmSync(work, { recursive: true, force: true })
    rmSync(fake.home, { recursive: true, force: true })
  })
  const scan = (trace?: string) => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'scan', '--home', fake.home, '--db', join(work, 'inv.db'), '--no-hash', '--quiet'],
      {
        encoding: 'utf8',
        env: { HOME: fake.home, PATH: '', ...(trace ? { AISCOUT_TRACE_OPENS: trace } : {}) },
        timeout: 120_000,
      },
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(1)
  }
  const opened = (list: string) => new Set(readFileSync(list, 'utf8').split('\0').filter(Boolean))

  it('lists every file the scan read and none it left alone', () => {
    const list = join(work, 'first.list')
    scan(list)
    const files = opened(list)
    const p = fake.paths
    // Keys, notebooks, model candidates (decoys included: their content decides).
    for (const f of [p.env, p.notebook, p.evil, p.good, p.textPt, p.randomBin]) {
      expect(files.has(f), f).toBe(true)
    }
    // The pruned node_modules folder is never entered, so its model is never opened.
    expect(files.has(p.nodeModulesModel)).toBe(false)
    // Paths only, NUL-separated: no content of any file.
    expect(readFileSync(list, 'utf8')).not.toContain(fake.key)
  })

  it('writes nothing when the variable is not set', () => {
    const before = join(work, 'first.list')
    const size = readFileSync(before).length
    scan()
    expect(readFileSync(before).length).toBe(size)
  })
})
