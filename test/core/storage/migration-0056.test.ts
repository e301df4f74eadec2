import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { overview, queryAssets, queryFindings, refreshDerived } from '../../../src/core/query'
import { openDb } from '../../../src/core/storage/db'
import { migrate, MIGRATIONS } from '../../../src/core/storage/migrations'

it('migration 0056 replaces the 0055 search state: the next query rebuilds index, links and counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-m56-'))
  try {
    const file = join(dir, 'inv.db')
    const raw = new Database(file)
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version <= 55),
    )
    expect(raw.pragma('user_version', { simple: true })).toBe(55)
    raw.exec(`
      INSERT INTO scans (id, started_at, finished_at, status, roots, stats, host)
        VALUES ('s1', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'complete', '[]', '{}', '{}');
      INSERT INTO assets (id, kind, path, name, sha256, size_bytes, links, status, first_seen_scan, last_seen_scan)
        VALUES ('model:a', 'model', '/m/Qwen2-7B.gguf', 'Qwen2 7B', '${'a'.repeat(64)}', 4096, '[]', 'present', 's1', 's1'),
               ('mcp-server:b', 'mcp-server', '/c/mcp.json', 'files', NULL, NULL, '[{"to":"model:a","relation":"uses-model"}]', 'present', 's1', 's1');
      INSERT INTO findings (id, rule_id, severity, title, message, path, asset_id, status, first_seen_scan, last_seen_scan)
        VALUES ('f1', 'pickle.dangerous-callable', 'critical', 't', 'os.system call', '/m/Qwen2-7B.gguf', 'model:a', 'open', 's1', 's1');
      -- What the 0055 refresh left: a state, an index and a marker (stale on purpose).
      INSERT INTO asset_search_state (rid, text, links) VALUES (1, 'stale words', '[]');
      INSERT INTO asset_search (rowid, text) VALUES (1, 'stale words');
      INSERT INTO settings (key, value) VALUES ('query-derived-marker', '1:2:1:1');
    `)
    raw.close()
    const db = openDb(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(56)
      const tables = db
        .prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%search_state'`)
        .pluck()
        .all()
      expect(tables).toEqual([])
      expect(queryAssets(db, { text: 'stale' }).items).toEqual([])
      expect(queryAssets(db, { text: 'qwen2' }).items.map((a) => a.id)).toEqual(['model:a'])
      expect(queryFindings(db, { text: 'system' }).items.map((f) => f.id)).toEqual(['f1'])
      const o = overview(db)
      expect([o.totalAssets, o.totalOpenFindings, o.modelStorageBytes]).toEqual([2, 1, 4096])
      expect(refreshDerived(db).refreshed).toBe(false)
      expect(
        db.prepare(`SELECT count(*) AS n FROM settings WHERE key = 'query-derived-marker'`).get(),
      ).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
