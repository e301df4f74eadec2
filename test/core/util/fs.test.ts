import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SkippedEntry } from '../../../src/core/types'
import {
  ABSENT_ONLY,
  fsSkipReason,
  isInside,
  listDir,
  readConfig,
  readJsonBounded,
  walkFiles,
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

  it('tells a directory from a missing file and never reads more than n bytes of a head', async () => {
    const sub = join(dir, 'sub')
    mkdirSync(sub)
    expect(await readTextBounded(sub, 1024)).toEqual({ kind: 'special', what: 'directory' })
    expect(await readTextBounded(join(dir, 'absent'), 1024)).toEqual({ kind: 'missing' })
    // A folder where a config is expected stays quiet, like a missing one.
    const out = sink()
    expect(await readConfig(out, sub)).toBeUndefined()
    expect(out.skipped).toEqual([])
    await expect(readHead(sub, 16)).rejects.toThrow(/not a regular file/)
    const p = join(dir, 'head.bin')
    writeFileSync(p, Buffer.alloc(100, 7))
    expect((await readHead(p, 10)).length).toBe(10)
    expect(await readHeadQuiet(join(dir, 'absent'), 10)).toBeUndefined()
  })

  // FIFOs and /dev device files exist only on POSIX systems (Windows has neither at a file path).
  it.skipIf(process.platform === 'win32')('refuses a FIFO without blocking on it', async () => {
    const fifo = join(dir, 'pipe.env')
    execFileSync('mkfifo', [fifo])
    expect(await readTextBounded(fifo, 1024)).toEqual({ kind: 'special', what: 'FIFO' })
    expect(await readHeadQuiet(fifo, 16)).toBeUndefined()
    // Where a config is expected it is reported, not taken for an absent config.
    const out = sink()
    expect(await readConfig(out, fifo)).toBeUndefined()
    expect(out.skipped).toEqual([
      expect.objectContaining({ path: fifo, reason: 'not-a-regular-file' }),
    ])
    expect(out.skipped[0]?.message).toMatch(/FIFO/)
  })

  it.skipIf(process.platform === 'win32')('reports a symlink to a device as one', async () => {
    const link = join(dir, 'zero.json')
    symlinkSync('/dev/zero', link)
    expect(await readTextBounded(link, 1024)).toEqual({
      kind: 'special',
      what: 'character device',
    })
    const out = sink()
    expect(await readJsonBounded(out, link)).toBeUndefined()
    expect(out.skipped.map((e) => [e.path, e.reason])).toEqual([[link, 'not-a-regular-file']])
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

describe('config, JSON and walk helpers', () => {
  it('reads configs without their BOM and JSON with a parse outcome', async () => {
    const d = join(dir, 'cfg')
    mkdirSync(d)
    const out = sink()
    writeFileSync(join(d, 'c.ini'), '\uFEFF[a]\nk = v\n')
    writeFileSync(join(d, 'ok.json'), '{"a": 1}')
    writeFileSync(join(d, 'bad.json'), '{"a": ')
    expect(await readConfig(out, join(d, 'c.ini'))).toBe('[a]\nk = v\n')
    expect(await readJsonBounded(out, join(d, 'ok.json'))).toEqual({ ok: true, value: { a: 1 } })
    expect((await readJsonBounded(out, join(d, 'bad.json')))?.ok).toBe(false)
    expect(await readJsonBounded(out, join(d, 'none.json'))).toBeUndefined()
    expect(out.skipped).toEqual([])
  })

  it('walks files to a depth, follows file links but not folder links, and reports a file where a folder should be', async () => {
    const d = join(dir, 'walk')
    mkdirSync(d)
    mkdirSync(join(d, 'a', 'b', 'c'), { recursive: true })
    writeFileSync(join(d, 'top.bin'), 'x')
    writeFileSync(join(d, 'a', 'b', 'deep.bin'), 'xy')
    writeFileSync(join(d, 'a', 'b', 'c', 'deeper.bin'), 'xyz')
    symlinkSync(join(d, 'top.bin'), join(d, 'a', 'link.bin'))
    symlinkSync(join(d, 'a'), join(d, 'loop'))
    const out = sink()
    const files = await walkFiles(out, d, { maxDepth: 2 })
    expect(files.map((f) => [f.rel, f.size, f.symlink]).sort()).toEqual([
      ['a/b/deep.bin', 2, false],
      ['a/link.bin', 1, true],
      ['top.bin', 1, false],
    ])
    expect(await listDir(out, join(d, 'top.bin'), ABSENT_ONLY)).toEqual([])
    expect(out.skipped.map((s) => s.reason)).toEqual(['not-a-directory'])
  })
})
