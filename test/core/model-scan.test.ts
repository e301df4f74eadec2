import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  isModelCandidate,
  modelReportJson,
  modelScanExitCode,
  scanModelPaths,
} from '../../src/core'
import { maliciousPickle, safetensors } from '../fixtures/generators/fake-home'

const dir = mkdtempSync(join(tmpdir(), 'model-scan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const CLI = join(resolve(__dirname, '../..'), 'out/cli/aiscout.js')
const canMkfifo = spawnSync('mkfifo', ['--version']).status === 0

/** Issue 15 item 6: special files are never read; each gets a clear reason. */
describe('special files', () => {
  it.runIf(canMkfifo)('reports a FIFO without blocking (no writer ever opens it)', async () => {
    const fifo = join(dir, 'weights.pkl')
    execFileSync('mkfifo', [fifo])
    const [r] = await scanModelPaths([fifo])
    expect(r).toMatchObject({ verdict: 'invalid', error: 'ENOTREG' })
    expect(r!.findings[0]!.message).toMatch(/FIFO/)
  })

  for (const dev of ['/dev/zero', '/dev/urandom']) {
    it.runIf(existsSync(dev))(
      `reports ${dev} and a symlink to it as a device, reading nothing`,
      async () => {
        const link = join(dir, `link-to-${dev.slice(5)}.pt`)
        symlinkSync(dev, link)
        const reports = await scanModelPaths([dev, link])
        for (const r of reports) {
          expect(r.verdict).toBe('invalid')
          expect(r.findings[0]!.message).toMatch(/character device.*only regular files/)
          expect(r.sha256).toBeUndefined()
        }
      },
    )
  }

  it.runIf(canMkfifo)(
    'skips special files met while walking a folder, and scans the rest',
    async () => {
      const d = join(dir, 'walk')
      mkdirSync(d)
      execFileSync('mkfifo', [join(d, 'pipe.pt')])
      symlinkSync('/dev/zero', join(d, 'zero.bin'))
      writeFileSync(join(d, 'evil.pkl'), maliciousPickle())
      const reports = await scanModelPaths([d])
      expect(reports.map((r) => r.path)).toEqual([join(d, 'evil.pkl')])
    },
  )

  it.runIf(canMkfifo && existsSync(CLI))('aiscout scan-model on a FIFO exits 2 at once', () => {
    const fifo = join(dir, 'cli.fifo')
    execFileSync('mkfifo', [fifo])
    const r = spawnSync(process.execPath, [CLI, 'scan-model', fifo, '/dev/zero'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    })
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(/FIFO/)
    expect(r.stdout).toMatch(/character device/)
  })
})

/** Issue 12 item 1: scan-model's library lives in core; issue 15 item 10: --no-hash. */
describe('model scan library', () => {
  it('walks a folder for candidates by extension or content, hashing unless told not to', async () => {
    const d = join(dir, 'lib')
    mkdirSync(join(d, 'node_modules'), { recursive: true })
    writeFileSync(join(d, 'good.safetensors'), safetensors())
    writeFileSync(join(d, 'blob'), maliciousPickle())
    writeFileSync(join(d, 'notes.txt'), 'text')
    writeFileSync(join(d, 'node_modules', 'x.pkl'), maliciousPickle())
    expect(isModelCandidate(join(d, 'blob'), 'blob')).toBe(true)
    expect(isModelCandidate(join(d, 'notes.txt'), 'notes.txt')).toBe(false)
    const hashed = await scanModelPaths([d])
    expect(hashed.map((r) => r.path).sort()).toEqual([join(d, 'blob'), join(d, 'good.safetensors')])
    expect(hashed.every((r) => /^[0-9a-f]{64}$/.test(r.sha256 ?? ''))).toBe(true)
    const seen: string[] = []
    const bare = await scanModelPaths([d], { hash: false, onReport: (r) => seen.push(r.path) })
    expect(bare.every((r) => r.sha256 === undefined)).toBe(true)
    expect(seen).toEqual(bare.map((r) => r.path))
    expect(modelScanExitCode(bare)).toBe(1)
  })

  it('gives each finding its rule title, why and fix in the JSON shape', async () => {
    const p = join(dir, 'evil.pkl')
    writeFileSync(p, maliciousPickle())
    const [r] = await scanModelPaths([p], { hash: false })
    const j = modelReportJson(r!)
    expect(j.sha256).toBeNull()
    const f = j.findings.find((x) => x.ruleId === 'pickle.dangerous-callable')
    expect(f).toMatchObject({ severity: 'critical', callable: 'posix.system' })
    expect(f?.why).toMatch(/\w/)
    expect(f?.fix).toMatch(/\w/)
  })
})
