import { afterEach, describe, expect, it } from 'vitest'
import { countAssets, overview, queryAssets } from '../../../src/core/query'
import { clearInventory } from '../../../src/core/storage/clear'
import type { NewAsset } from '../../../src/core/types'
import { storeScan, tempDb } from '../query/helpers'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

const models = (prefix: string, n: number): NewAsset[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'model' as const,
    path: `/home/u/models/${prefix}-${i}.gguf`,
    name: `${prefix} model ${i}`,
    sha256: `${prefix === 'old' ? 'a' : 'b'}${String(i).padStart(63, '0')}`,
    sizeBytes: 1000,
  }))

describe('clearing the inventory (the app danger zone) and the query layer', () => {
  it('leaves no stale counts, search hits or rows; the next scan is counted from nothing', () => {
    const t = tempDb()
    cleanups.push(t.cleanup)
    storeScan(t.db, { assets: models('old', 5) })
    // The query layer builds its derived state (search index, counts) on first use.
    expect(overview(t.db).totalAssets).toBe(5)
    expect(queryAssets(t.db, { text: 'old' }).items).toHaveLength(5)

    expect(clearInventory(t.db).assets).toBe(5)
    expect(overview(t.db).totalAssets).toBe(0)
    expect(overview(t.db).modelStorageBytes).toBe(0)
    expect(countAssets(t.db, {})).toBe(0)
    expect(queryAssets(t.db, { text: 'old' }).items).toHaveLength(0)

    // Row ids are reused after the delete: the new rows must not inherit the old state.
    storeScan(t.db, { assets: models('new', 3) })
    const o = overview(t.db)
    expect(o.totalAssets).toBe(3)
    expect(o.assetsByKind.model).toBe(3)
    expect(o.modelStorageBytes).toBe(3000)
    expect(queryAssets(t.db, { text: 'old' }).items).toHaveLength(0)
    expect(
      queryAssets(t.db, { text: 'new' })
        .items.map((a) => a.name)
        .sort(),
    ).toEqual(['new model 0', 'new model 1', 'new model 2'])
  })
})
