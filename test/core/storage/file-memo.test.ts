import { linkSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import { createFileMemo } from '../../../src/core/storage/file-memo'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-memo-'))
  dirs.push(dir)
  const db = openDb(join(dir, 'inv.db'))
  const file = join(dir, 'a.env')
  writeFileSync(file, 'KEY=1\n')
  const stamp = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
  utimesSync(file, stamp, stamp)
  return { dir, db, file, stamp }
}

describe('file memo (real SQLite file)', () => {
  const key = { ns: 'test', version: 'v1' }

  it('computes once for an unchanged file, again when its mtime, path or producer version changes', async () => {
    const { dir, db, file, stamp } = setup()
    let calls = 0
    const compute = async () => ({ n: ++calls })
    const memo = createFileMemo(db)
    expect((await memo.remember(file, key, compute)).cached).toBe(false)
    const again = await memo.remember(file, key, compute)
    expect(again).toMatchObject({ cached: true, value: { n: 1 } })
    expect(typeof again.mode).toBe('number')
    // Another producer version: computed again, and it replaces the row rather than adding one.
    expect((await memo.remember(file, { ns: 'test', version: 'v2' }, compute)).cached).toBe(false)
    memo.flush()
    expect(db.prepare(`SELECT count(*) AS n FROM file_memos`).get()).toEqual({ n: 1 })
    // A rename keeps inode, size and mtime; results may depend on the path (a fixture folder makes
    // a key a decoy), so the renamed file is analysed again. A hard link likewise.
    const moved = join(dir, 'b.env')
    renameSync(file, moved)
    expect((await memo.remember(moved, { ns: 'test', version: 'v2' }, compute)).cached).toBe(false)
    const link = join(dir, 'c.env')
    linkSync(moved, link)
    expect((await memo.remember(link, { ns: 'test', version: 'v2' }, compute)).cached).toBe(false)
    // A new mtime: computed again.
    utimesSync(link, stamp, new Date(stamp.getTime() + 2000))
    expect((await memo.remember(link, { ns: 'test', version: 'v2' }, compute)).cached).toBe(false)
    expect(calls).toBe(5)
    db.close()
  })

  it('remembers nothing when the computation gives nothing, and survives across connections', async () => {
    const { dir, db, file } = setup()
    let calls = 0
    const memo = createFileMemo(db)
    await memo.remember(file, key, async () => {
      calls++
      return undefined
    })
    await memo.remember(file, key, async () => ({ ok: ++calls }))
    memo.flush()
    db.close()
    const db2 = openDb(join(dir, 'inv.db'))
    const r = await createFileMemo(db2).remember(file, key, async () => ({ ok: ++calls }))
    expect(r).toMatchObject({ cached: true, value: { ok: 2 } })
    expect(calls).toBe(2)
    db2.close()
  })
})
