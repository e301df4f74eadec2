import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import type { ScanOptions } from '../../../src/core/engine/scan'
import { openDb, StoreError } from '../../../src/core/storage/db'
import { fakeOpenAiKey, safetensors, write } from '../../fixtures/generators/fake-home'

const cleanup: (() => void)[] = []
afterEach(() => cleanup.splice(0).forEach((f) => f()))

const options = (home: string): ScanOptions => ({
  home,
  env: { HOME: home },
  platform: 'linux',
  locators: [],
})

/** A home whose files give `n` assets (keys in .env files: cheap to write, each one asset). */
function plant(home: string, n: number, from = 0): void {
  for (let i = from; i < from + n; i++)
    write(join(home, 'p', String(i), '.env'), `OPENAI_API_KEY=${fakeOpenAiKey(1000 + i)}\n`)
}

function tempHome(): { dir: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-full-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const home = join(dir, 'home')
  write(join(home, 'm', 'a.safetensors'), safetensors())
  return { dir, home }
}

/** A small tmpfs where this machine allows mounting one (root with the capability), else none. */
function smallTmpfs(dir: string, size: string): string | undefined {
  const at = join(dir, 'mnt')
  mkdirSync(at)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  cleanup.unshift(() => execFileSync('umount', ['-l', at], { stdio: 'ignore' }))
  return at
}

describe('a full disk', () => {
  it('fails the scan with the database path named, marks it failed, and a later scan runs (SQLite page limit)', async () => {
    const { dir, home } = tempHome()
    const file = join(dir, 'inv.db')
    const db = openDb(file)
    expect((await scan(db, options(home))).status).toBe('complete')
    plant(home, 300)
    // No page beyond those the inventory has now: the merge of 300 new assets cannot fit.
    const pages = db.pragma('page_count', { simple: true }) as number
    db.pragma(`max_page_count = ${pages}`)
    const failed = scan(db, options(home))
    await expect(failed).rejects.toThrow(StoreError)
    await expect(failed).rejects.toThrow(`inventory database ${file}: database or disk is full`)
    expect(db.prepare(`SELECT status, error FROM scans ORDER BY seq`).all()).toEqual([
      { status: 'complete', error: null },
      { status: 'failed', error: expect.stringContaining('full') },
    ])
    // The inventory is as it was; with room again the next scan merges everything.
    expect(db.prepare(`SELECT count(*) AS n FROM assets`).get()).toEqual({ n: 1 })
    db.pragma('max_page_count = 1073741823')
    const again = await scan(db, options(home))
    expect(again.status).toBe('complete')
    expect(again.delta.assets.added).toHaveLength(300)
    db.close()
  })

  const tmpfsDir = mkdtempSync(join(tmpdir(), 'aiscout-tmpfs-probe-'))
  const tmpfsOk = smallTmpfs(tmpfsDir, '64k') !== undefined
  cleanup.splice(0).forEach((f) => f())
  rmSync(tmpfsDir, { recursive: true, force: true })

  it.skipIf(!tmpfsOk)(
    'on a real full file system: the scan fails naming the database; once there is room the next scan first folds and truncates the log the failure left (needs mount: root with CAP_SYS_ADMIN)',
    async () => {
      const { dir, home } = tempHome()
      const mnt = smallTmpfs(dir, '6m')!
      const file = join(mnt, 'inv.db')
      const wal = () => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)
      const db = openDb(file)
      expect((await scan(db, options(home))).status).toBe('complete')
      db.pragma('wal_checkpoint(TRUNCATE)')
      // Fill the file system to within 384 KiB; 1500 new keys need more than that.
      const free = Number(
        execFileSync('df', ['-B1', '--output=avail', mnt]).toString().split('\n')[1],
      )
      const filler = join(mnt, 'filler')
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 384 * 1024)))
      plant(home, 1500)
      await expect(scan(db, options(home))).rejects.toThrow(`inventory database ${file}`)
      const failedId = (
        db.prepare(`SELECT id FROM scans ORDER BY seq DESC LIMIT 1`).get() as { id: string }
      ).id
      // The log holds what the disk had room for; it cannot be folded while the disk is full.
      const left = wal()
      expect(left).toBeGreaterThan(64 * 1024)
      // Some room again: the next scan folds and truncates the log before it writes anything.
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 1024 * 1024)))
      rmSync(join(home, 'p'), { recursive: true, force: true })
      let atStart = -1
      const next = await scan(db, options(home), {
        onProgress: () => {
          if (atStart < 0) atStart = wal()
        },
      })
      expect(next.status).toBe('complete')
      // The failed scan is recorded as failed (when the disk had no room even for its status,
      // the next scan wrote it), never left running.
      expect(db.prepare(`SELECT status, error FROM scans WHERE id = ?`).get(failedId)).toEqual({
        status: 'failed',
        error: expect.stringContaining('full'),
      })
      expect(atStart).toBeGreaterThanOrEqual(0)
      expect(atStart).toBeLessThan(left / 4)
      db.close()
    },
  )
})
