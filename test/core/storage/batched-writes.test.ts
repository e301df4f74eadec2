import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import { createFileMemo } from '../../../src/core/storage/file-memo'
import { attachStage, createStageWriter } from '../../../src/core/storage/stage'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-batched-'))
  dirs.push(dir)
  const file = join(dir, 'inv.db')
  const db = openDb(file)
  attachStage(db)
  const env = join(dir, 'a.env')
  writeFileSync(env, 'KEY=1\n')
  const stamp = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
  utimesSync(env, stamp, stamp)
  return { file, db, env }
}

const memoRows = (file: string): number => {
  const other = openDb(file)
  try {
    return (other.prepare(`SELECT count(*) AS n FROM file_memos`).get() as { n: number }).n
  } finally {
    other.close()
  }
}

const asset = (i: number) => ({
  kind: 'notebook' as const,
  path: `/h/nb${i}.ipynb`,
  name: `nb${i}`,
})
const origin = { key: 'file:/h', rank: 1 }

describe('remembered-file rows in the scan transactions (real SQLite file)', () => {
  it('are committed with the next flush of the stage, without a commit of their own', async () => {
    const { file, db, env } = setup()
    const memo = createFileMemo(db)
    await memo.remember(env, { ns: 'test', version: 'v1' }, async () => ({ hits: 0 }))
    // Pending: another connection does not see the row yet.
    expect(memoRows(file)).toBe(0)
    const stage = createStageWriter(db)
    stage.addAsset(asset(1), origin)
    stage.flush()
    expect(memoRows(file)).toBe(1)
    expect(db.prepare(`SELECT count(*) AS n FROM stage.staged_assets`).get()).toEqual({ n: 1 })
    db.close()
  })

  it('that cannot be written are dropped, and the stage rows of the same transaction are kept', async () => {
    const { file, db, env } = setup()
    const memo = createFileMemo(db)
    db.exec(
      `CREATE TRIGGER no_memos BEFORE INSERT ON file_memos BEGIN SELECT RAISE(ABORT, 'no room'); END`,
    )
    await memo.remember(env, { ns: 'test', version: 'v1' }, async () => ({ hits: 0 }))
    const stage = createStageWriter(db)
    stage.addAsset(asset(1), origin)
    stage.addAsset(asset(2), origin)
    stage.flush()
    expect(stage.failure()).toBeUndefined()
    expect(db.prepare(`SELECT count(*) AS n FROM stage.staged_assets`).get()).toEqual({ n: 2 })
    expect(memoRows(file)).toBe(0)
    expect(db.inTransaction).toBe(false)
    db.close()
  })
})
