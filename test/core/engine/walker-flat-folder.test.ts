import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createJobPool } from '../../../src/core/engine/job-pool'
import { walk } from '../../../src/core/engine/walker'
import type { SkippedEntry } from '../../../src/core/types'
import { pruneNothing } from './walker-rules'

// One folder of 200,000 extension-less files (model-sniff candidates: each queues a job), as in
// the crawl's repro. Back-pressure must bound the queued jobs by the gate, not the folder size.
const FILES = 200_000
const base = mkdtempSync(join(tmpdir(), 'aiscout-walk-flat-'))
const flat = join(base, 'big')
mkdirSync(flat)
execFileSync('sh', ['-c', `seq -f "f%07g" 1 ${FILES} | xargs touch`], { cwd: flat })
afterAll(() => rmSync(base, { recursive: true, force: true }))

const rules = pruneNothing({ noExtension: true })

const HIGH = 2000
// The gate is checked every 256 entries on the caller, and between side reader answers of at
// most 8,192 entries: the queue may pass the high-water mark by that much, never by the folder.
const BOUND = HIGH + 8192

describe('a folder of 200,000 files', () => {
  it.each([
    ['the caller alone', { helpers: 0 }],
    ['a helper alone', { readOnCaller: false, helpers: 1 }],
    ['subtree helpers', { readOnCaller: false, helpers: 1, subtree: rules }],
    ['the default walk', {}],
  ] as const)(
    'is handed out under back-pressure on %s',
    async (_n, extra) => {
      const pool = createJobPool({
        concurrency: 8,
        highWater: HIGH,
        lowWater: 500,
        onError: (e) => {
          throw e
        },
      })
      let files = 0
      let ran = 0
      // Jobs queued and not started, counted here (the pool's own peak is checked below too).
      let peak = 0
      const skipped: SkippedEntry[] = []
      await walk([base], {
        skipDir: () => false,
        onFile: () => {
          files++
          peak = Math.max(peak, files - ran)
          pool.push(async () => {
            ran++
            await Promise.resolve()
          })
        },
        onSkip: (s) => skipped.push(s),
        shouldPause: () => pool.saturated(),
        waitForDrain: () => pool.drained(),
        ...extra,
      })
      await pool.idle()
      expect(skipped).toEqual([])
      expect(files).toBe(FILES)
      expect(ran).toBe(FILES)
      expect(peak).toBeLessThanOrEqual(BOUND)
      expect(pool.peakQueued()).toBeLessThanOrEqual(BOUND)
    },
    120_000,
  )
})

describe('job pool', () => {
  it('runs jobs first in, first out across its compactions, and counts its peak', async () => {
    const pool = createJobPool({ concurrency: 1, onError: () => undefined })
    const order: number[] = []
    for (let i = 0; i < 5000; i++)
      pool.push(async () => {
        order.push(i)
        await Promise.resolve()
      })
    await pool.idle()
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i))
    expect(pool.peakQueued()).toBe(4999)
  })
})
