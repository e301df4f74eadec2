import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FileAnalyzer } from '../../../src/core/discovery/types'
import { createAnalysisPool } from '../../../src/core/engine/analysis/pool'
import { scan } from '../../../src/core/engine/scan'
import type { ScanOptions } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { maliciousPickle, safetensors, write } from '../../fixtures/generators/fake-home'

const WORKER = resolve(__dirname, '../../../out/cli/analysis-worker.js')

/** A protocol-2 pickle list of `n` short strings: the symbolic machine holds every one. */
function manyStringsPickle(n: number): Buffer {
  const item = Buffer.concat([Buffer.from([0x58, 8, 0, 0, 0]), Buffer.from('abcdefgh')])
  const body = Buffer.alloc(item.length * n)
  for (let i = 0; i < n; i++) item.copy(body, i * item.length)
  return Buffer.concat([Buffer.from([0x80, 0x02, 0x5d, 0x28]), body, Buffer.from([0x65, 0x2e])])
}

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-analysis-'))
  cleanup.push(dir)
  const home = join(dir, 'home')
  write(join(home, 'models', 'evil.pkl'), maliciousPickle())
  write(join(home, 'models', 'good.safetensors'), safetensors())
  return { dir, home, db: openDb(join(dir, 'inv.db')) }
}

const options = (home: string, extra: Partial<ScanOptions> = {}): ScanOptions => ({
  home,
  env: { HOME: home },
  platform: 'linux',
  locators: [],
  analysisWorker: WORKER,
  ...extra,
})

const findingsOf = (db: ReturnType<typeof openDb>, path: string) =>
  db
    .prepare(`SELECT rule_id, severity, message FROM findings WHERE path = ? AND status = 'open'`)
    .all(path) as { rule_id: string; severity: string; message: string }[]

beforeAll(() => {
  if (!existsSync(WORKER))
    throw new Error('out/cli/analysis-worker.js is missing: run `npm run build`')
})

describe('file analyses cannot end a scan', () => {
  it("a model file that exhausts the analysis memory cap is that file's finding; the rest of the scan goes on", async () => {
    const { home, db } = setup()
    const big = join(home, 'models', 'huge.pkl')
    writeFileSync(big, manyStringsPickle(2_000_000))
    const r = await scan(db, options(home, { analysisLimits: { memoryMb: 16, workers: 1 } }))
    expect(r.status).toBe('complete')
    expect(findingsOf(db, big)).toEqual([
      {
        rule_id: 'engine.analysis-failed',
        severity: 'high',
        message: expect.stringContaining('16 MiB memory limit'),
      },
    ])
    // The worker that died was replaced: the malicious pickle elsewhere is still reported.
    expect(findingsOf(db, join(home, 'models', 'evil.pkl')).map((f) => f.rule_id)).toContain(
      'pickle.dangerous-callable',
    )
    expect(db.prepare(`SELECT status FROM scans`).all()).toEqual([{ status: 'complete' }])
    db.close()
  })

  it('an analysis over its time limit is stopped and reported; nothing of it is cached', async () => {
    const { home, db } = setup()
    const r = await scan(db, options(home, { analysisLimits: { timeoutMs: 1, workers: 1 } }))
    expect(r.status).toBe('complete')
    const f = findingsOf(db, join(home, 'models', 'good.safetensors'))
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('did not finish within')])
    // A later scan with room analyses it again (a failure is never remembered as a result).
    const again = await scan(db, options(home))
    expect(again.delta.findings.resolved.length).toBeGreaterThanOrEqual(1)
    expect(findingsOf(db, join(home, 'models', 'good.safetensors'))).toEqual([])
    db.close()
  })

  it('an analyzer that throws becomes a finding on its file, never the end of the scan', async () => {
    const { home, db } = setup()
    const cfg = join(home, 'broken.cfg')
    writeFileSync(cfg, 'x')
    const analyzers: FileAnalyzer[] = [
      {
        id: 'throws',
        names: ['broken.cfg'],
        analyze: async () => {
          throw new Error('parser exploded')
        },
      },
    ]
    const r = await scan(db, options(home, { analyzers }))
    expect(r.status).toBe('complete')
    expect(findingsOf(db, cfg)).toEqual([
      expect.objectContaining({
        rule_id: 'engine.analysis-failed',
        message: expect.stringContaining('parser exploded'),
      }),
    ])
    db.close()
  })

  it('cancelling ends a scan whatever is running (an analysis that never returns, a long parse)', async () => {
    const { home, db } = setup()
    writeFileSync(join(home, 'models', 'slow.pkl'), manyStringsPickle(2_000_000))
    writeFileSync(join(home, 'stuck.cfg'), 'x')
    const ac = new AbortController()
    const analyzers: FileAnalyzer[] = [
      {
        id: 'stuck',
        names: ['stuck.cfg'],
        analyze: () => {
          ac.abort()
          return new Promise<void>(() => {})
        },
      },
    ]
    const r = await scan(db, options(home, { analyzers }), { signal: ac.signal })
    expect(r.status).toBe('interrupted')
    expect(db.prepare(`SELECT status FROM scans`).all()).toEqual([{ status: 'interrupted' }])
    db.close()
  })

  it('the pool answers a cancelled analysis at once and stops its worker mid-parse', async () => {
    const { dir } = setup()
    const file = join(dir, 'slow.pkl')
    writeFileSync(file, manyStringsPickle(2_000_000))
    const ac = new AbortController()
    const pool = createAnalysisPool(WORKER, { workers: 1 }, ac.signal)
    const pending = pool.scanFile(file, {})
    setTimeout(() => ac.abort(), 20)
    const report = await pending
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'engine.analysis-failed',
        message: 'The analysis was cancelled',
      }),
    ])
    // Closed: later requests are answered without a worker.
    expect((await pool.scanFile(file, {})).findings[0]?.message).toBe('The analysis was cancelled')
  })
})
