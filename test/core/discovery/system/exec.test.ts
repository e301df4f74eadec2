import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mayBeOnPath, runQuery } from '../../../../src/core/discovery/system/exec'

describe('system queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-exec-'))
  const other = mkdtempSync(join(tmpdir(), 'aiscout-exec-'))
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\necho found\n')
  chmodSync(join(dir, 'tool'), 0o755)
  writeFileSync(join(dir, 'notexec'), 'data')
  chmodSync(join(dir, 'notexec'), 0o644)
  writeFileSync(join(other, 'gpu.EXE'), '')
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(other, { recursive: true, force: true })
  })
  const env = { PATH: `${other}:${dir}` }

  it.runIf(process.platform !== 'win32')('finds an executable on PATH, as the spawn would', () => {
    expect(mayBeOnPath('tool', env, 'linux')).toBe(true)
    expect(mayBeOnPath('notexec', env, 'linux')).toBe(false)
    expect(mayBeOnPath('missing-tool', env, 'linux')).toBe(false)
    expect(mayBeOnPath('tool', { PATH: other }, 'linux')).toBe(false)
  })

  it('leaves the decision to the spawn where it cannot tell', () => {
    expect(mayBeOnPath('missing-tool', {}, 'linux')).toBe(true)
    expect(mayBeOnPath('./missing-tool', env, 'linux')).toBe(true)
  })

  it("tries Windows' executable extensions", () => {
    expect(mayBeOnPath('gpu', { Path: `${dir};${other}` }, 'win32')).toBe(true)
    expect(mayBeOnPath('gpu', { Path: other, PATHEXT: '.BAT' }, 'win32')).toBe(false)
    expect(mayBeOnPath('gpu.EXE', { Path: other }, 'win32')).toBe(true)
  })

  it.runIf(process.platform !== 'win32')(
    'runs a query only when its program is there',
    async () => {
      const missing = await runQuery('aiscout-no-such-program', [])
      expect(missing).toEqual({
        kind: 'failed',
        message: 'aiscout-no-such-program is not installed (not on PATH)',
      })
      const saved = process.env.PATH
      process.env.PATH = `${dir}:${saved ?? ''}`
      try {
        expect(await runQuery('tool', [])).toEqual({ kind: 'ok', stdout: 'found\n' })
      } finally {
        process.env.PATH = saved
      }
    },
  )
})
