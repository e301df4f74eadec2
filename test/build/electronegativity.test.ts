import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')

/**
 * The Electron security lint (part of `npm test` as `npm run lint:electron`) fails on an unsafe
 * window it has no reason for, and on allow-list entries that match nothing.
 */
describe('electronegativity gate', () => {
  it('fails on an unsafe BrowserWindow and on stale allow-list entries', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'scripts/electronegativity.mjs'),
        'test/fixtures/electron-unsafe',
        join(ROOT, 'build/electronegativity-allow.json'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    )
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /NOT ALLOWED HIGH NODE_INTEGRATION_JS_CHECK|NOT ALLOWED HIGH CONTEXT_ISOLATION_JS_CHECK/,
    )
    expect(r.stderr).toMatch(/STALE allow-list entry/)
  }, 300_000)
})
