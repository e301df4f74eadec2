import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeSparseVocabGguf } from '../fixtures/generators/structured/gguf'

const CLI = join(resolve(__dirname, '../..'), 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-ctrl-c-'))

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/**
 * Issue 15 item 8, as met at the terminal: a GGUF whose vocabulary claims 200 million entries that
 * do fit the file (a sparse 1.6 GB) keeps the analysis busy for a long time, and Ctrl-C used to
 * wait for it. SIGINT now ends `aiscout scan` as interrupted (exit 2), the previous inventory kept.
 * How fast is a benchmark figure, not asserted here; the elapsed time is printed.
 */
describe('Ctrl-C during a long parse', () => {
  it('ends the scan as interrupted while a huge vocabulary is being walked', async () => {
    const home = join(tmp, 'home')
    mkdirSync(join(home, 'models'), { recursive: true })
    writeSparseVocabGguf(join(home, 'models', 'huge-vocab.gguf'), 200_000_000, 200_000_000 * 8)
    const db = join(tmp, 'inv.db')
    const child = spawn(
      process.execPath,
      [CLI, 'scan', '--home', home, '--db', db, '--no-hash', '--format', 'json'],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    // Wait until the scan is recorded as running, then press Ctrl-C.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100))
      if (!existsSync(db)) continue
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true })
        const running = d.prepare(`SELECT count(*) AS n FROM scans WHERE status = 'running'`).get()
        d.close()
        if ((running as { n: number }).n > 0) break
      } catch {
        // The schema is still being created.
      }
    }
    const t0 = Date.now()
    child.kill('SIGINT')
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000)),
    ])
    if (code === 'hung') child.kill('SIGKILL')
    console.log(`Ctrl-C to exit: ${Date.now() - t0} ms`)
    expect(code).toBe(2)
    expect(stderr).toContain('scan interrupted')
    const d = new Database(db, { readonly: true })
    expect(d.prepare(`SELECT status FROM scans`).all()).toEqual([{ status: 'interrupted' }])
    d.close()
  }, 120_000)
})
