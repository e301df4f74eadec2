import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../../../src/core/storage/db'
import { LATEST_VERSION } from '../../../src/core/storage/migrations'

// Separate processes (the CLI and the app on their first run) can create the same inventory at
// once. The built core is what such a process runs (npm test builds it first).
const CORE = resolve(__dirname, '../../../out/core/index.js')
const dir = mkdtempSync(join(tmpdir(), 'aiscout-open-race-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Each child loads the core, says "ready", then waits for the start file: all of them open the
 * database within a millisecond or two of each other, not staggered by their start-up.
 */
const CHILD = `
const core = require(process.argv[1])
const { existsSync } = require('node:fs')
process.stdout.write('ready\\n')
const pause = new Int32Array(new SharedArrayBuffer(4))
while (!existsSync(process.argv[3])) Atomics.wait(pause, 0, 0, 1)
core.openDb(process.argv[2]).close()
`

type Child = { ready: Promise<void>; done: Promise<{ code: number | null; stderr: string }> }

function openInChild(file: string, go: string): Child {
  const child = spawn(process.execPath, ['-e', CHILD, CORE, file, go], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const ready = new Promise<void>((ok) => child.stdout.once('data', () => ok()))
  const done = new Promise<{ code: number | null; stderr: string }>((ok) =>
    child.on('close', (code) => ok({ code, stderr })),
  )
  return { ready, done }
}

describe('opening a new inventory from several processes at once', () => {
  it('migrates it once: every process opens it, none sees a half-made schema or a busy WAL switch', async () => {
    expect(existsSync(CORE), 'npm run build makes out/core/index.js').toBe(true)
    for (let round = 0; round < 6; round++) {
      const file = join(dir, `inv-${round}.db`)
      const go = join(dir, `go-${round}`)
      const children = Array.from({ length: 6 }, () => openInChild(file, go))
      await Promise.all(children.map((c) => c.ready))
      writeFileSync(go, '')
      const results = await Promise.all(children.map((c) => c.done))
      for (const r of results) expect(r).toEqual({ code: 0, stderr: '' })
      const db = openDb(file)
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION)
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      db.close()
    }
    // 36 process starts: a budget for a 2-core machine shared with other suites (the server
    // tests start PostgreSQL clusters and server processes beside it), not a speed check.
  }, 180_000)
})
