import { closeSync, openSync, writeSync, ftruncateSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ByteSource } from '../../../src/core/scanners/byte-source'
import { readZipDirectory } from '../../../src/core/scanners/zip/reader'
import { scanModelFile } from '../../../src/core/scanners/scan-file'
import { bytesScanner } from '../../helpers/scan-bytes'

/** A local header (no data descriptor, sizes 0) named `name`, then nothing but zeros. */
function header(name: string): Uint8Array {
  const b = new Uint8Array(30 + name.length)
  const v = new DataView(b.buffer)
  v.setUint32(0, 0x04034b50, true)
  v.setUint16(26, name.length, true)
  b.set(Buffer.from(name), 30)
  return b
}

/** A virtual file of `size` bytes (the header, then zeros) that counts the bytes it hands out. */
function countingSource(size: number, head: Uint8Array): ByteSource & { bytesRead: number } {
  const src = {
    size,
    name: 'huge.pt',
    bytesRead: 0,
    read(offset: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, size - offset))
      src.bytesRead += n
      const out = new Uint8Array(n)
      if (offset < head.length) out.set(head.subarray(offset, offset + n))
      return out
    },
  }
  return src
}

describe('zip local-header walk without an end record', () => {
  it('reads a bounded number of bytes from a 50 GB file and says the walk stopped', () => {
    const src = countingSource(50 * 1024 ** 3, header('data.pkl'))
    const dir = readZipDirectory(src, { maxEntries: 1000, maxDirectoryBytes: 100 << 20 })
    expect(dir.central).toBe(false)
    expect(dir.entries.map((e) => e.name)).toEqual(['data.pkl'])
    // The end-record search reads the last 64 KiB; the header walk at most its budget (64 MiB).
    expect(src.bytesRead).toBeLessThan(70 * 1024 * 1024)
    expect(dir.problems.join('\n')).toMatch(/search for local headers stopped after 64 MiB/)
  })

  it('honours a smaller search budget', () => {
    const src = countingSource(10 * 1024 ** 3, header('a'))
    const dir = readZipDirectory(src, {
      maxEntries: 1000,
      maxDirectoryBytes: 100 << 20,
      maxSearchBytes: 4 << 20,
    })
    expect(src.bytesRead).toBeLessThan(5 * 1024 * 1024)
    expect(dir.problems.join('\n')).toMatch(/stopped after 4 MiB/)
  })

  const { dir } = bytesScanner('zip-walk-bound-')
  it('scans a sparse 4 GB models/huge.pt (PK\\3\\4, no end record) to an invalid verdict', async () => {
    const p = join(dir, 'huge.pt')
    const fd = openSync(p, 'w')
    try {
      writeSync(fd, header('archive/data.pkl'))
      ftruncateSync(fd, 4 * 1024 ** 3)
    } finally {
      closeSync(fd)
    }
    const r = await scanModelFile(p, { hash: false })
    expect(r.verdict).toBe('invalid')
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/search for local headers stopped/)
  })
})
