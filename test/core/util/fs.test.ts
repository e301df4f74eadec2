import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SkippedEntry } from '../../../src/core/types'
import {
  fsSkipReason,
  isInside,
  listDir,
  readHead,
  readHeadQuiet,
  readTextBounded,
  readTextOrSkip,
} from '../../../src/core/util/fs'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-util-fs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function sink(): { skipped: SkippedEntry[]; emitSkipped(e: SkippedEntry): void } {
  const skipped: SkippedEntry[] = []
  return { skipped, emitSkipped: (e) => skipped.push(e) }
}

describe('bounded fs helpers', () => {
  it('reads a small file, drops a BOM only when asked, and reports the stat size', async () => {
    const p = join(dir, 'bom.ini')
    writeFileSync(p, '\uFEFFkey=value\n')
    const plain = await readTextBounded(p, 1024)
    expect(plain).toEqual({ kind: 'ok', text: '\uFEFFkey=value\n', size: 13 })
    const stripped = await readTextBounded(p, 1024, { stripBom: true })
    expect(stripped.kind === 'ok' && stripped.text).toBe('key=value\n')
  })

  it('refuses a file over the cap before reading it, and reports it as too-large', async () => {
    const p = join(dir, 'big.json')
    writeFileSync(p, 'x'.repeat(2048))
    expect(await readTextBounded(p, 1024)).toEqual({ kind: 'too-large', size: 2048 })
    const s = sink()
    expect(await readTextOrSkip(s, p, 1024)).toBeUndefined()
    expect(s.skipped.map((e) => e.reason)).toEqual(['too-large'])
  })

  it('keeps missing paths quiet and lists a missing or file-as-directory path as empty', async () => {
    const s = sink()
    expect(await readTextOrSkip(s, join(dir, 'nope.txt'), 1024)).toBeUndefined()
    writeFileSync(join(dir, 'plain'), 'x')
    expect(await readTextOrSkip(s, join(dir, 'plain', 'under'), 1024)).toBeUndefined()
    expect(await listDir(s, join(dir, 'missing-dir'))).toEqual([])
    expect(await listDir(s, join(dir, 'plain'))).toEqual([])
    expect(s.skipped).toEqual([])
    // With only ENOENT quiet (the stores' choice) a file where a folder should be is reported.
    expect(await listDir(s, join(dir, 'plain'), new Set(['ENOENT']))).toEqual([])
    expect(s.skipped.map((e) => e.reason)).toEqual(['not-a-directory'])
  })

  it('treats a directory as missing and never reads more than n bytes of a head', async () => {
    const sub = join(dir, 'sub')
    mkdirSync(sub)
    expect(await readTextBounded(sub, 1024)).toEqual({ kind: 'missing' })
    await expect(readHead(sub, 16)).rejects.toThrow(/not a regular file/)
    const p = join(dir, 'head.bin')
    writeFileSync(p, Buffer.alloc(100, 7))
    expect((await readHead(p, 10)).length).toBe(10)
    expect(await readHeadQuiet(join(dir, 'absent'), 10)).toBeUndefined()
  })

  it.skipIf(process.platform === 'win32')('refuses a FIFO without blocking on it', async () => {
    const fifo = join(dir, 'pipe.env')
    execFileSync('mkfifo', [fifo])
    expect(await readTextBounded(fifo, 1024)).toEqual({ kind: 'missing' })
    expect(await readHeadQuiet(fifo, 16)).toBeUndefined()
  })

  it('maps errno codes to skip reasons and tests containment on path segments', () => {
    expect(fsSkipReason('EACCES')).toBe('permission-denied')
    expect(fsSkipReason('EPERM')).toBe('permission-denied')
    expect(fsSkipReason('ELOOP')).toBe('symlink-loop')
    expect(fsSkipReason('EIO')).toBe('unreadable')
    expect(isInside('/home/u/.config/x', '/home/u')).toBe(true)
    expect(isInside('/home/u', '/home/u')).toBe(true)
    expect(isInside('/home/user2', '/home/u')).toBe(false)
  })
})
