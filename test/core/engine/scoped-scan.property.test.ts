import fc from 'fast-check'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import type { ScanOptions } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import type { ScanScope } from '../../../src/core/types'
import { applyChange, SLOTS } from '../../fixtures/generators/changing-home'
import { expectFullScanAgrees, fakeHomeScanOptions } from '../../helpers/scan-options'

/**
 * A scoped scan of the paths that changed leaves the inventory exactly as a full scan would: for
 * any sequence of file changes (model files, keys, MCP configs, an Ollama manifest, a Hugging Face
 * snapshot, a notebook that links to it, a .gitignore, whole folders), each followed by a scoped
 * scan of what changed (as a watcher reports it), a full scan afterwards changes nothing: same
 * assets, findings and links, and an empty delta. Real files in a temporary home, a real
 * inventory file.
 */
const RUNS = Number(process.env.AISCOUT_PROPERTY_RUNS ?? 12)
const SEED = process.env.AISCOUT_PROPERTY_SEED
  ? Number(process.env.AISCOUT_PROPERTY_SEED)
  : 20260112

const work = mkdtempSync(join(tmpdir(), 'aiscout-prop-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const options = (home: string, scope?: ScanScope): ScanOptions => ({
  ...fakeHomeScanOptions(home),
  scope,
})

const step = fc.record({
  // Each change picks a slot and one of its states; several may change before one scan.
  changes: fc.array(
    fc.record({ slot: fc.integer({ min: 0, max: SLOTS.length - 1 }), state: fc.nat() }),
    { minLength: 1, maxLength: 3 },
  ),
  // Sometimes a watcher also reports a path that did not change, or a locator is re-run.
  noise: fc.option(fc.integer({ min: 0, max: SLOTS.length - 1 }), { nil: undefined }),
})

describe('scoped scans (property, real files)', () => {
  it('a full scan after any sequence of changes and scoped scans finds nothing to change', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: SLOTS.length, maxLength: SLOTS.length }),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        async (initial, steps) => {
          const dir = join(work, `run${run++}`)
          const home = join(dir, 'home')
          mkdirSync(home, { recursive: true })
          SLOTS.forEach((s, i) => applyChange(home, s, initial[i]!))
          const db = openDb(join(dir, 'inv.db'))
          try {
            await scan(db, options(home))
            for (const st of steps) {
              const changed = new Set<string>()
              for (const c of st.changes)
                for (const p of applyChange(home, SLOTS[c.slot]!, c.state)) changed.add(p)
              const noise = st.noise === undefined ? [] : SLOTS[st.noise]!.watched(home)
              const r = await scan(
                db,
                options(home, { kind: 'paths', paths: [...changed, ...noise] }),
              )
              expect(r.status).toBe('complete')
            }
            await expectFullScanAgrees(db, home, join(dir, 'copy.db'))
          } finally {
            db.close()
            rmSync(dir, { recursive: true, force: true })
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    )
  })
})
