import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { fakeHomeScanOptions } from '../../helpers/scan-options'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

// A reviewer found a FIFO or a /dev/zero symlink at a known config location treated as absent:
// no asset, no finding and no skipped entry, so the scan looked complete. FIFOs and /dev device
// files exist only on POSIX systems, where this runs (CI included).
describe.skipIf(process.platform === 'win32')('special files at known config locations', () => {
  it('are reported as skipped, not taken for absent configs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'special-home-'))
    const dbDir = mkdtempSync(join(tmpdir(), 'special-db-'))
    cleanup.push(home, dbDir)
    mkdirSync(join(home, '.cursor'))
    const fifo = join(home, '.cursor', 'mcp.json')
    execFileSync('mkfifo', [fifo])
    const zero = join(home, '.claude.json')
    symlinkSync('/dev/zero', zero)
    mkdirSync(join(home, '.gemini'))
    const gemini = join(home, '.gemini', 'settings.json')
    symlinkSync('/dev/zero', gemini)
    mkdirSync(join(home, '.config', 'Claude'), { recursive: true })
    const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json')
    execFileSync('mkfifo', [desktop])
    const db = openDb(join(dbDir, 'inv.db'))
    try {
      await scan(db, fakeHomeScanOptions(home))
      const skipped = [...openInventoryReader(db).skipped()]
      for (const path of [fifo, zero, gemini, desktop])
        expect(skipped).toContainEqual(
          expect.objectContaining({ path, reason: 'not-a-regular-file' }),
        )
      expect(skipped.find((s) => s.path === fifo)?.message).toMatch(/FIFO/)
    } finally {
      db.close()
    }
  })
})
