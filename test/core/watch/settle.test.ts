import {
  appendFileSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isOpenForWriting } from '../../../src/core/watch/open-writers'
import { createSettler, isPartialDownload } from '../../../src/core/watch/settle'
import type { SettledPath } from '../../../src/core/watch/settle'
import { sleep, waitFor } from '../../helpers/wait'

const dir = (): string => mkdtempSync(join(tmpdir(), 'settle-'))

describe('settler', () => {
  const settlers: { dispose(): void }[] = []
  afterEach(() => settlers.splice(0).forEach((s) => s.dispose()))
  const make = (quietMs = 60) => {
    const out: SettledPath[] = []
    let batches = 0
    const s = createSettler(
      (b) => {
        if (b.length) batches++
        out.push(...b)
      },
      { quietMs, maxQuietMs: 2000 },
    )
    settlers.push(s)
    return { s, out, batches: () => batches }
  }

  it('reports a path touched many times once, after the touches stop', async () => {
    const d = dir()
    const f = join(d, 'a.bin')
    const { s, out } = make()
    for (let i = 0; i < 200; i++) {
      appendFileSync(f, 'x')
      s.touch(f)
    }
    await waitFor(() => out.length > 0 && s.pending() === 0, 'settled')
    await sleep(200)
    expect(out).toEqual([{ path: f, exists: true }])
  })

  it('coalesces many paths into few batches and reports each once', async () => {
    const d = dir()
    const { s, out, batches } = make()
    for (let i = 0; i < 2000; i++) {
      const f = join(d, `f${i}`)
      writeFileSync(f, 'x')
      s.touch(f)
      s.touch(f)
    }
    await waitFor(() => out.length === 2000 && s.pending() === 0, 'all settled')
    expect(new Set(out.map((o) => o.path)).size).toBe(2000)
    expect(batches()).toBeLessThan(2000)
  })

  it('waits for a writer that pauses between chunks, and reports the file once, complete', async () => {
    const d = dir()
    const f = join(d, 'slow.safetensors')
    const sizes: number[] = []
    const s = createSettler((b) => b.forEach((x) => sizes.push(statSync(x.path).size)), {
      quietMs: 300,
    })
    settlers.push(s)
    // Pauses of 80 ms between chunks: the quiet time, and then three times the longest pause
    // seen, keep the file waiting until the last chunk.
    for (let i = 0; i < 15; i++) {
      appendFileSync(f, Buffer.alloc(1000))
      s.touch(f)
      await sleep(80)
    }
    await waitFor(() => s.pending() === 0 && sizes.length > 0, 'settled')
    expect(sizes).toEqual([15_000])
  })

  it('never reports partial downloads, and reports the final name after the rename', async () => {
    const d = dir()
    const part = join(d, 'model.gguf.crdownload')
    const fin = join(d, 'model.gguf')
    const { s, out } = make()
    writeFileSync(part, 'partial')
    s.touch(part)
    await sleep(200)
    expect(out).toEqual([])
    renameSync(part, fin)
    s.touch(part)
    s.touch(fin)
    await waitFor(() => out.length === 1, 'final name')
    expect(out[0]).toEqual({ path: fin, exists: true })
  })

  it("skips Firefox's empty placeholder while its .part grows", async () => {
    const d = dir()
    const fin = join(d, 'm.pt')
    writeFileSync(fin, '')
    writeFileSync(`${fin}.part`, 'x')
    const { s, out } = make()
    s.touch(fin)
    await waitFor(() => s.pending() === 0, 'looked at')
    expect(out).toEqual([])
  })

  it('reports a deleted file as absent', async () => {
    const d = dir()
    const f = join(d, 'gone.pkl')
    writeFileSync(f, 'x')
    const { s, out } = make()
    rmSync(f)
    s.touch(f)
    await waitFor(() => out.length === 1, 'settled')
    expect(out[0]).toEqual({ path: f, exists: false })
  })

  it('recognises download suffixes', () => {
    for (const n of ['a.crdownload', 'b.PART', 'c.partial', 'd.download', 'blobs/e.incomplete'])
      expect(isPartialDownload(`/x/${n}`)).toBe(true)
    for (const n of ['a.gguf', 'part', 'model.safetensors', 'particle.bin'])
      expect(isPartialDownload(`/x/${n}`)).toBe(false)
  })
})

describe('files held open for writing', () => {
  it('are told apart from files open for reading or closed (Linux)', () => {
    if (process.platform !== 'linux') return
    const f = join(dir(), 'held.bin')
    writeFileSync(f, 'x')
    expect(isOpenForWriting(f)).toBe(false)
    const w = openSync(f, 'r+')
    expect(isOpenForWriting(f)).toBe(true)
    closeSync(w)
    const r = openSync(f, 'r')
    expect(isOpenForWriting(f)).toBe(false)
    closeSync(r)
  })

  it('a quiet file still open for writing waits until its writer closes it', async () => {
    if (process.platform !== 'linux') return
    const f = join(dir(), 'copying.safetensors')
    const fd = openSync(f, 'w')
    writeSync(fd, Buffer.alloc(4096))
    const out: SettledPath[] = []
    const s = createSettler((b) => out.push(...b), { quietMs: 60, openCheckBytes: 1 })
    try {
      s.touch(f)
      await sleep(600)
      expect(out).toEqual([])
      expect(s.pending()).toBe(1)
      writeSync(fd, Buffer.alloc(4096))
      closeSync(fd)
      s.touch(f)
      await waitFor(() => out.length === 1, 'settled after close')
    } finally {
      s.dispose()
    }
  })

  it('a writer that paused settles at the plain quiet time once it has closed the file; one that keeps it open waits the grown time', async () => {
    if (process.platform !== 'linux') return
    const d = dir()
    const closed = join(d, 'closed.safetensors')
    const open = join(d, 'open.safetensors')
    const fds = [openSync(closed, 'w'), openSync(open, 'w')]
    const out: SettledPath[] = []
    // A grown quiet time of 100 times the longest pause (about 15 s) that the closed file must
    // not wait for.
    const s = createSettler((b) => out.push(...b), {
      quietMs: 100,
      gapFactor: 100,
      maxQuietMs: 60_000,
      openCheckBytes: 1,
    })
    try {
      for (let i = 0; i < 3; i++) {
        for (const [k, f] of [closed, open].entries()) {
          writeSync(fds[k]!, Buffer.alloc(4096))
          s.touch(f)
        }
        await sleep(150)
      }
      closeSync(fds[0]!)
      await waitFor(() => out.length === 1, 'the closed file settled', 8_000)
      expect(out).toEqual([{ path: closed, exists: true }])
      await sleep(500)
      // Still open for writing: it waits for its grown quiet time.
      expect(s.pending()).toBe(1)
      expect(out).toHaveLength(1)
    } finally {
      closeSync(fds[1]!)
      s.dispose()
    }
  })

  it('a new folder waits while a file in it is being written, then settles once', async () => {
    if (process.platform !== 'linux') return
    const folder = join(dir(), 'new-model')
    mkdirSync(join(folder, 'weights'), { recursive: true })
    const f = join(folder, 'weights', 'model.safetensors')
    const fd = openSync(f, 'w')
    writeSync(fd, Buffer.alloc(4096))
    const out: SettledPath[] = []
    const s = createSettler((b) => out.push(...b), { quietMs: 60, openCheckBytes: 1 })
    try {
      s.touch(folder)
      await sleep(600)
      // Still open for writing, deep in the folder: the folder is not handed over yet.
      expect(out).toEqual([])
      expect(s.pending()).toBe(1)
      closeSync(fd)
      await waitFor(() => out.length === 1, 'settled after close')
      expect(out).toEqual([{ path: folder, exists: true }])
    } finally {
      s.dispose()
    }
  })
})
