import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sha256File } from '../../../src/core/util/hash'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-hash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function makeFile(name: string, mib: number): { path: string; digest: string } {
  const path = join(dir, name)
  const h = createHash('sha256')
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < mib; i++) {
    chunk.fill(i % 251)
    writeSync(fd, chunk)
    h.update(chunk)
  }
  // An odd tail so the last read is partial.
  const tail = Buffer.from('tail-bytes')
  writeSync(fd, tail)
  h.update(tail)
  closeSync(fd)
  return { path, digest: h.digest('hex') }
}

describe('sha256File', () => {
  it('hashes small files (stream) and large files (worker thread) to the right digest, reporting every byte', async () => {
    for (const [name, mib] of [
      ['small.bin', 2],
      ['large.bin', 40],
    ] as const) {
      const f = makeFile(name, mib)
      let seen = 0
      expect(await sha256File(f.path, (n) => (seen += n))).toBe(f.digest)
      expect(seen).toBe(mib * 1024 * 1024 + 10)
    }
  })

  it('rejects for a missing file and when cancelled', async () => {
    await expect(sha256File(join(dir, 'missing.bin'))).rejects.toThrow()
    const f = makeFile('cancel.bin', 40)
    const ac = new AbortController()
    ac.abort()
    await expect(sha256File(f.path, undefined, ac.signal)).rejects.toThrow(/cancel/)
  })
})
