import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import { LATEST_VERSION } from '../../../src/core/storage/migrations'

// Separate processes (the CLI and the app on their first run) can create the same inventory at
// once. The built core is what such a process runs.
const CORE = resolve(__dirname, '../../../out/core/index.js')
const dir = mkdtempSync(join(tmpdir(), 'aiscout-open-race-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function openInChild(file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(CORE)}).openDb(process.argv[1]).close()`, file],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('close', (code) => done({ code, stderr }))
  })
}

describe('opening a new inventory from several processes at once', () => {
  it('migrates it once: every process opens it, none sees a half-made schema', async () => {
    expect(existsSync(CORE), 'npm run build makes out/core/index.js').toBe(true)
    for (let round = 0; round < 4; round++) {
      const file = join(dir, `inv-${round}.db`)
      const results = await Promise.all([0, 1, 2, 3].map(() => openInChild(file)))
      for (const r of results) expect(r).toEqual({ code: 0, stderr: '' })
      const db = openDb(file)
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
      db.close()
    }
  }, 30_000)
})
