import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ScanOptions } from '../../../src/core'
import { openDb, scan } from '../../../src/core'
import { write } from '../../fixtures/generators/fake-home'
import { snapshotInventory } from '../../fixtures/generators/changing-home'
import { makeDemoHome } from '../../helpers/demo-home'
import { fakeHomeScanOptions } from '../../helpers/scan-options'

/**
 * The crawl's side readers walk whole subtrees with the skip rules and the file names of
 * interest given as data (walker subtree mode). They must decide exactly as the crawl's own
 * skipDir and onFile do: the same home scanned with the reads on the scan's thread alone and with
 * subtree readers gives the same inventory and the same coverage counts.
 */
const demo = makeDemoHome()
const home = demo.home
afterAll(() => demo.remove())

// Names each rule decides on, beside what the demo home already holds.
for (const p of [
  '.cache/pip/wheels/x.pkl', // a non-AI cache: pruned as `cache`
  '.cache/huggingface/extra/m.safetensors', // an AI cache: kept
  '.local/share/Trash/files/evil.pkl', // the freedesktop trash
  'work/node_modules/pkg/w.pkl',
  'work/.git/objects/ab/cd',
  'work/__pycache__/m.pyc',
  'work/UPPER/MODEL.GGUF', // extensions compare lower-cased
  'work/UPPER/.ENV.PRODUCTION', // dotenv prefix, any case
  'work/UPPER/Dockerfile',
  'work/plain/.bashrc',
  'work/plain/noext', // no extension: a model candidate
  'work/plain/notes.txt',
  'work/plain/app.ts', // source: not read without --scan-source
  'work/plain/data.csv', // nothing reads it
  'work/odd name/with space.ipynb',
  'work/vendor/x/.env',
]) {
  write(join(home, p), p.endsWith('.ipynb') ? '{"cells":[],"nbformat":4}' : 'x\n')
}
// More folders than one subtree answer holds, so readers give back folders they did not reach.
for (let i = 0; i < 1100; i++)
  mkdirSync(join(home, 'deep', `d${i % 40}`, `e${i}`), { recursive: true })
write(join(home, 'deep', 'd7', 'e7', 'weights.bin'), 'not a model')

// One inventory file copied for every scan: the same installation and fingerprint key, so key
// ids compare across scans.
const template = join(home, '..', 'template.db')
{
  const db = openDb(template)
  db.prepare(`INSERT INTO settings (key, value) VALUES ('installation-secret', ?)`).run(
    randomBytes(32),
  )
  db.close()
}

async function scanWith(tag: string, extra: Partial<ScanOptions>) {
  const path = join(home, '..', `${tag}.db`)
  copyFileSync(template, path)
  const db = openDb(path)
  try {
    const summary = await scan(db, { ...fakeHomeScanOptions(home), env: demo.env, ...extra })
    const { durationMs: _d, ...stats } = summary.stats
    return { inventory: snapshotInventory(db), stats }
  } finally {
    db.close()
  }
}

describe('crawl with subtree readers', () => {
  it('finds, skips and counts exactly what the scan thread alone does', async () => {
    const alone = await scanWith('alone', { walkHelpers: 0 })
    expect(alone.stats.pruned).toMatchObject({ cache: 1, trash: 1, __pycache__: 1 })
    expect(alone.stats.dirsSeen).toBeGreaterThan(1100)
    for (const helpers of [1, 2, 3]) {
      const readers = await scanWith(`readers-${helpers}`, { walkHelpers: helpers })
      expect(readers.stats).toEqual(alone.stats)
      expect(readers.inventory).toEqual(alone.inventory)
    }
  })

  it('leaves exclusions to the scan thread (globs are matched there only) with the same result', async () => {
    const exclude = ['**/plain/**']
    const alone = await scanWith('excl-alone', { walkHelpers: 0, exclude })
    const readers = await scanWith('excl-readers', { walkHelpers: 2, exclude })
    expect(readers.stats).toEqual(alone.stats)
    expect(readers.inventory).toEqual(alone.inventory)
    expect(alone.stats.pruned).toMatchObject({ excluded: 1 })
  })
})
