import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benignPickle } from '../fixtures/generators/fake-home'

const OUT = join(resolve(__dirname, '../..'), 'out/cli')

/**
 * The built CLI is a small dispatcher and one bundle per command (scripts/build-cli.mjs): a
 * command loads only its own bundle, so `scan-model` never parses the scan, server or sync code.
 */
describe('the CLI bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-bundles-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads only the bundle of the command it runs', () => {
    // A preload that lists every file Node's CommonJS loader reads from out/cli.
    const log = join(dir, 'loaded.txt')
    const hook = join(dir, 'hook.cjs')
    writeFileSync(
      hook,
      `const M = require('node:module'); const fs = require('node:fs'); const orig = M._load;
       M._load = function (req, parent, isMain) {
         const r = orig.apply(this, arguments)
         try { fs.appendFileSync(${JSON.stringify(log)}, M._resolveFilename(req, parent, isMain) + '\\n') } catch {}
         return r
       }`,
    )
    const file = join(dir, 'ok.pkl')
    writeFileSync(file, benignPickle())
    execFileSync(
      process.execPath,
      ['-r', hook, join(OUT, 'aiscout.js'), 'scan-model', '--no-hash', file],
      {
        stdio: 'ignore',
      },
    )
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter((p) => p.startsWith(OUT))
      .map((p) => p.slice(OUT.length + 1))
    expect(loaded).toContain('cmd-scan-model.js')
    expect(loaded.filter((f) => f.startsWith('cmd-'))).toEqual(['cmd-scan-model.js'])
    // The dispatcher itself holds no command: it stays a few kilobytes.
    expect(statSync(join(OUT, 'aiscout.js')).size).toBeLessThan(32 * 1024)
  })

  it('reports a usage error from a command bundle with the usage text', () => {
    let err = ''
    try {
      execFileSync(process.execPath, [join(OUT, 'aiscout.js'), 'scan-model', '--bogus'], {
        stdio: 'pipe',
      })
    } catch (e) {
      err = String((e as { stderr: Buffer }).stderr)
      expect((e as { status: number }).status).toBe(2)
    }
    expect(err).toContain('unknown option --bogus')
    expect(err).toContain('Usage:')
  })
})
