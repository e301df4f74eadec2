import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runQuery } from '../../../../src/core/discovery/system/exec'

describe('system queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-exec-'))
  const other = mkdtempSync(join(tmpdir(), 'aiscout-exec-'))
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\necho found\n')
  chmodSync(join(dir, 'tool'), 0o755)
  writeFileSync(join(dir, 'notexec'), 'data')
  chmodSync(join(dir, 'notexec'), 0o644)
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(other, { recursive: true, force: true })
  })

  it.runIf(process.platform !== 'win32')(
    'never runs a program from PATH, only from a trusted system folder',
    async () => {
      const missing = await runQuery('aiscout-no-such-program', [])
      expect(missing).toEqual({
        kind: 'failed',
        message: 'aiscout-no-such-program is not installed in a trusted system folder',
      })
      const saved = process.env.PATH
      process.env.PATH = `${dir}:${saved ?? ''}`
      try {
        expect((await runQuery('tool', [])).kind).toBe('failed')
      } finally {
        process.env.PATH = saved
      }
    },
  )

  it.runIf(process.platform === 'linux')(
    'runs a system program by its absolute path, in the trusted environment',
    async () => {
      const r = await runQuery('sh', ['-c', 'printf "%s|%s" "$PATH" "$(pwd)"'])
      expect(r).toEqual({ kind: 'ok', stdout: expect.stringMatching(/^[^|]*\|\/$/) as string })
      if (r.kind === 'ok') {
        for (const entry of r.stdout.split('|')[0]!.split(':')) {
          expect(['/usr/bin', '/usr/sbin', '/bin', '/sbin']).toContain(entry)
        }
      }
    },
  )
})
