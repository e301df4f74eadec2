import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { write } from '../../fixtures/generators/fake-home'
import {
  HARMLESS_OPENINGS,
  openedPickle,
  torchZip,
} from '../../fixtures/generators/pickle/fixtures'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Issue 15 item 2, crawl side: what `aiscout scan` records for these files. */
describe('the crawl never stays silent on a model-ish file', () => {
  it('lists pickles that open with a harmless push and pop as malicious models', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fail-open-home-'))
    cleanup.push(home)
    const n0 = HARMLESS_OPENINGS['N0 (None, pop)']!
    write(join(home, 'work', 'raw.pkl'), openedPickle(n0))
    write(join(home, 'work', 'zipped.pt'), torchZip(openedPickle(n0)))
    write(join(home, 'work', 'blob'), openedPickle(HARMLESS_OPENINGS['(1 (mark, pop mark)']!))
    write(join(home, 'work', 'weights.ckpt'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]))
    write(join(home, 'work', 'firmware.bin'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]))
    const db = openDb(join(home, 'inv.db'))
    const s = await scan(db, { home, env: {}, hash: false })
    expect(s.status).toBe('complete')
    const r = openInventoryReader(db)
    const assets = [...r.assets()]
    const findings = [...r.findings()]
    for (const name of ['raw.pkl', 'zipped.pt', 'blob']) {
      const a = assets.find((x) => x.path === join(home, 'work', name))
      expect(a?.verdict, name).toBe('malicious')
    }
    // Unrecognised binary under a model extension is a finding, not silence; a .bin is not.
    const ckpt = findings.filter((f) => f.path === join(home, 'work', 'weights.ckpt'))
    expect(ckpt.map((f) => f.ruleId)).toEqual(['model.unknown-format'])
    expect(assets.some((a) => a.path.endsWith('weights.ckpt'))).toBe(false)
    expect(findings.some((f) => f.path.endsWith('firmware.bin'))).toBe(false)
    db.close()
  })
})
