import type { Db, ScanOptions } from '../../src/core'
import { openDb, scan } from '../../src/core'
import { snapshotInventory } from '../fixtures/generators/changing-home'
import { expect } from 'vitest'

/**
 * Scan options for a fake Linux home with fake system probes (no GPU query, no socket listing),
 * so inventories depend only on the files under the home.
 */
export function fakeHomeScanOptions(home: string): ScanOptions {
  return {
    home,
    env: { HOME: home },
    platform: 'linux',
    systemInfo: {
      graphics: async () => ({ controllers: [] }),
      cpu: async () => ({ brand: 'Test CPU', cores: 2 }),
      mem: async () => ({ total: 2 ** 33 }),
      osInfo: async () => ({ platform: 'linux' }),
    },
    sockets: { listening: async () => [] },
  }
}

/**
 * Asserts that a full scan finds nothing to change in `db`'s inventory: it scans a copy of the
 * database (VACUUM INTO `copyPath`) and compares assets, findings and links, and its delta.
 */
export async function expectFullScanAgrees(db: Db, home: string, copyPath: string): Promise<void> {
  db.exec(`VACUUM INTO '${copyPath.replace(/'/g, "''")}'`)
  const before = snapshotInventory(db)
  const copy = openDb(copyPath)
  try {
    const full = await scan(copy, fakeHomeScanOptions(home))
    expect(snapshotInventory(copy)).toEqual(before)
    expect(full.delta).toEqual({
      assets: { added: [], changed: [], gone: [] },
      findings: { opened: [], changed: [], resolved: [] },
    })
  } finally {
    copy.close()
  }
}
