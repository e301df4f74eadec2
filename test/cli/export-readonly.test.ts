import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS } from '../../src/core/storage/migrations'
import { safetensors, write } from '../fixtures/generators/fake-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')
const NOBODY = 65534
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-ro-'))

function run(args: string[], uid?: number) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: tmp, NO_COLOR: '1' },
    uid,
    gid: uid,
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
  chmodSync(tmp, 0o755)
})
afterAll(() => {
  chmodSync(tmp, 0o755)
  rmSync(tmp, { recursive: true, force: true })
})

// Permission bits do not stop root: the read-only folder is read as `nobody`.
const asNobody = process.getuid?.() === 0 ? NOBODY : undefined

describe('aiscout export never writes to the inventory', () => {
  it('reads an inventory in a read-only folder (no shared-memory file can be made there)', () => {
    const home = join(tmp, 'home')
    write(join(home, 'm', 'a.safetensors'), safetensors())
    const folder = join(tmp, 'ro')
    const db = join(folder, 'inv.db')
    expect(run(['scan', '--home', home, '--db', db, '--quiet', '--format', 'json']).code).toBe(0)
    // A clean close removed the -wal and -shm files; now nobody may write in the folder.
    expect(readdirSync(folder)).toEqual(['inv.db'])
    chmodSync(folder, 0o555)
    chmodSync(db, 0o444)
    const r = run(['export', '--db', db, '--format', 'json'], asNobody)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(
      JSON.parse(r.stdout).assets.some((a: { path: string }) => a.path.endsWith('a.safetensors')),
    ).toBe(true)
    expect(readdirSync(folder)).toEqual(['inv.db'])
  })

  it('reads an inventory written by an older version without upgrading it', () => {
    const folder = mkdtempSync(join(tmp, 'old-'))
    chmodSync(folder, 0o755)
    const file = join(folder, 'inv.db')
    const old = new Database(file)
    old.pragma('journal_mode = WAL')
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 30),
    )
    old
      .prepare(
        `INSERT INTO scans (id, started_at, finished_at, status, roots, host, stats) VALUES ('s1', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z', 'complete', '["/h"]', ?, '{}')`,
      )
      .run(
        JSON.stringify({ hostname: 'h', platform: 'linux', arch: 'x64', osRelease: '', user: '' }),
      )
    old
      .prepare(
        `INSERT INTO assets (id, kind, path, status, first_seen_scan, last_seen_scan) VALUES ('model:1', 'model', '/h/a.gguf', 'present', 's1', 's1')`,
      )
      .run()
    old.close()
    const r = run(['export', '--db', file, '--format', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).assets.map((a: { path: string }) => a.path)).toEqual(['/h/a.gguf'])
    const after = new Database(file, { readonly: true })
    expect(after.pragma('user_version', { simple: true })).toBe(30)
    after.close()
  })

  it('names the database in its error when it cannot be read', () => {
    const bad = join(tmp, 'not-a-db.db')
    write(bad, 'plain text, not SQLite'.repeat(100))
    const r = run(['export', '--db', bad, '--format', 'json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(bad)
  })
})
