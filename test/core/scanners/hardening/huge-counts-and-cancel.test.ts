import { describe, expect, it } from 'vitest'
import type { ByteSource } from '../../../../src/core/scanners/byte-source'
import { bufferSource, openFileSource } from '../../../../src/core/scanners/byte-source'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import { scanSource } from '../../../../src/core/scanners/scan-source'
import { ScanCancelledError, sharedCancelSignal } from '../../../../src/core/scanners/types'
import { writeSparseVocabGguf } from '../../../fixtures/generators/structured/gguf'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { tempDir } from '../structured/helpers'

const sparseVocabGguf = writeSparseVocabGguf

/** Counts the bytes a parser asks for. */
function counting(src: ByteSource): ByteSource & { bytesRead: number } {
  const c = {
    size: src.size,
    name: src.name,
    bytesRead: 0,
    read(o: number, n: number) {
      const b = src.read(o, n)
      c.bytesRead += b.length
      return b
    },
  }
  return c
}

/** Issue 15 item 8: huge declared counts, and cancellation inside long parses. */
describe('huge declared counts', () => {
  it('rejects a token array that cannot fit the bytes left, before reading the items', () => {
    const t = tempDir('counts')
    try {
      const p = t.write('x', '')
      sparseVocabGguf(p, 268_000_000, 64 << 20)
      const src = openFileSource(p)
      const spy = counting(src)
      const r = scanSource(spy, { path: p })
      src.close()
      expect(r.invalid).toMatch(/cannot fit/)
      expect(spy.bytesRead).toBeLessThan(4 << 20)
    } finally {
      t.cleanup()
    }
  })

  it('stops a long vocabulary walk when the signal is aborted mid-parse', () => {
    const t = tempDir('cancel')
    try {
      const p = t.write('x', '')
      // Fits (8 bytes per empty string) but would take millions of steps.
      sparseVocabGguf(p, 32_000_000, 32_000_000 * 8)
      const src = openFileSource(p)
      const signal = sharedCancelSignal()
      let reads = 0
      const aborting: ByteSource = {
        size: src.size,
        name: src.name,
        read(o, n) {
          // Another thread would set the flag; here the third window read does.
          if (++reads === 3) signal.abort()
          return src.read(o, n)
        },
      }
      expect(() => scanSource(aborting, { path: p, signal })).toThrow(ScanCancelledError)
      expect(reads).toBeLessThan(10)
      src.close()
    } finally {
      t.cleanup()
    }
  })

  it('stops a long pickle when the signal is aborted, and rejects before any work when already aborted', async () => {
    const big = new PickleWriter()
      .proto(4)
      .raw(Buffer.alloc(3_000_000, 0x4e))
      .raw(Buffer.alloc(3_000_000, 0x30))
      .stop()
      .bytes()
    const signal = sharedCancelSignal()
    let reads = 0
    const src = bufferSource(big, 'big.pkl')
    const aborting: ByteSource = {
      size: src.size,
      name: src.name,
      read(o, n) {
        if (++reads === 4) signal.abort()
        return src.read(o, n)
      },
    }
    expect(() => scanSource(aborting, { path: 'big.pkl', signal })).toThrow(ScanCancelledError)
    const t = tempDir('cancel2')
    try {
      const p = t.write('m.pkl', big)
      const done = sharedCancelSignal()
      done.abort()
      await expect(scanModelFile(p, { signal: done })).rejects.toBeInstanceOf(ScanCancelledError)
      // Without a signal the same file is scanned to the end.
      expect((await scanModelFile(p, { hash: false })).format).toBe('pickle')
    } finally {
      t.cleanup()
    }
  })
})
