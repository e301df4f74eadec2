import fc from 'fast-check'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createInventoryWatcher, openDb, scan } from '../../../src/core'
import type { ScanSummary } from '../../../src/core'
import { applyChange, SLOTS } from '../../fixtures/generators/changing-home'
import { expectFullScanAgrees, fakeHomeScanOptions } from '../../helpers/scan-options'
import { waitFor } from '../../helpers/wait'

/**
 * A watcher-driven rescan gives the same inventory as a full scan: for random sequences of file
 * changes (model files, keys, MCP and agent configs, an Ollama manifest, a Hugging Face snapshot,
 * a notebook, a .gitignore, whole folders) made while the watcher runs, the rescans the watcher
 * chose from the real file-system events leave the inventory exactly as a full scan of the same
 * tree afterwards finds it: same assets, findings and links, and an empty delta.
 */
const RUNS = Number(process.env.AISCOUT_PROPERTY_RUNS ?? 6)
const SEED = process.env.AISCOUT_PROPERTY_SEED
  ? Number(process.env.AISCOUT_PROPERTY_SEED)
  : 20260113

const work = mkdtempSync(join(tmpdir(), 'aiscout-watch-prop-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const options = fakeHomeScanOptions

const step = fc.array(
  fc.record({ slot: fc.integer({ min: 0, max: SLOTS.length - 1 }), state: fc.nat() }),
  { minLength: 1, maxLength: 4 },
)

describe('watcher-driven rescans (property, real files and events)', () => {
  it('leave the inventory as a full scan of the same tree finds it', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: SLOTS.length, maxLength: SLOTS.length }),
        fc.array(step, { minLength: 1, maxLength: 5 }),
        async (initial, steps) => {
          const dir = join(work, `run${run++}`)
          const home = join(dir, 'home')
          mkdirSync(home, { recursive: true })
          SLOTS.forEach((s, i) => applyChange(home, s, initial[i]!))
          const db = openDb(join(dir, 'inv.db'))
          const scanned: ScanSummary[] = []
          const watcher = createInventoryWatcher({
            db,
            dbPath: join(dir, 'inv.db'),
            scan: options(home),
            watchHome: true,
            settle: { quietMs: 100 },
            onEvent: (e) => {
              if (e.type === 'scanned') scanned.push(e.result)
            },
          })
          try {
            await scan(db, options(home))
            await watcher.start()
            for (const [i, changes] of steps.entries()) {
              for (const c of changes) applyChange(home, SLOTS[c.slot]!, c.state)
              // Events arrive in order: once a marker written after the changes is rescanned,
              // every earlier change has been seen; idle() then waits for their rescans.
              const marker = join(home, `.marker-${i}.txt`)
              writeFileSync(marker, 'x')
              await waitFor(
                () =>
                  scanned.some(
                    (s) =>
                      s.scope.kind === 'paths' &&
                      s.scope.paths.some((p) => marker === p || marker.startsWith(p + sep)),
                  ),
                'the marker rescanned',
              )
              await watcher.idle()
            }
            expect(scanned.every((s) => s.status === 'complete')).toBe(true)
            await watcher.stop()
            await expectFullScanAgrees(db, home, join(dir, 'copy.db'))
          } finally {
            await watcher.stop()
            db.close()
            rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )
  }, 600_000)
})
