import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { assetDetail, queryAssets, queryFindings } from '../../../src/core/query'
import { openDb } from '../../../src/core/storage/db'
import { migrate, MIGRATIONS } from '../../../src/core/storage/migrations'

it('migration 0055 indexes an inventory written before it: sorts, search and links work at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-m55-'))
  try {
    const file = join(dir, 'inv.db')
    const raw = new Database(file)
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version < 55),
    )
    expect(raw.pragma('user_version', { simple: true })).toBe(50)
    raw
      .prepare(
        `INSERT INTO scans (id, started_at, finished_at, status, roots, stats, host)
         VALUES ('s1', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'complete', '[]', '{}', '{}')`,
      )
      .run()
    const ins = raw.prepare(
      `INSERT INTO assets (id, kind, path, name, links, status, first_seen_scan, last_seen_scan)
       VALUES (?, ?, ?, ?, ?, 'present', 's1', 's1')`,
    )
    ins.run('model:a', 'model', '/m/Qwen2-7B.gguf', 'Qwen2 7B', '[]')
    ins.run(
      'mcp-server:b',
      'mcp-server',
      '/c/mcp.json',
      'files',
      '[{"to":"model:a","relation":"uses-model"}]',
    )
    raw
      .prepare(
        `INSERT INTO findings (id, rule_id, severity, title, message, path, asset_id, status, first_seen_scan, last_seen_scan)
         VALUES ('f1', 'pickle.dangerous-callable', 'critical', 't', 'os.system call', '/m/Qwen2-7B.gguf', 'model:a', 'open', 's1', 's1')`,
      )
      .run()
    raw.close()
    const db = openDb(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(55)
      expect(queryAssets(db, { text: 'qwen2' }).items.map((a) => a.id)).toEqual(['model:a'])
      expect(queryFindings(db, { text: 'system' }).items.map((f) => f.id)).toEqual(['f1'])
      expect(assetDetail(db, 'model:a')!.links).toEqual([
        expect.objectContaining({ direction: 'in', id: 'mcp-server:b', relation: 'uses-model' }),
      ])
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
