import { describe, expect, it } from 'vitest'
import type { ByteSource } from '../../../../src/core/scanners/byte-source'
import { scanSource } from '../../../../src/core/scanners/scan-source'
import { STRUCTURED_SCANNERS } from '../../../../src/core/scanners/registry'
import { buildGguf } from '../../../fixtures/generators/structured/gguf'
import { BENIGN_TEMPLATES } from '../../../fixtures/generators/structured/templates'

/** A virtual file: real header bytes, then `size` bytes of zeros; counts every byte read. */
function virtualFile(
  header: Buffer,
  size: number,
  name: string,
): ByteSource & { bytesRead: number } {
  const v = {
    size,
    name,
    bytesRead: 0,
    read(offset: number, length: number): Uint8Array {
      if (offset >= size || length <= 0 || offset < 0) return new Uint8Array(0)
      const n = Math.min(length, size - offset)
      v.bytesRead += n
      const out = new Uint8Array(n)
      if (offset < header.length)
        out.set(header.subarray(offset, Math.min(header.length, offset + n)))
      return out
    },
  }
  return v
}

const GiB = 1024 ** 3

describe('header scans read only headers (tensor data is never touched)', () => {
  it('a 4 GiB GGUF is scanned reading at most the header window', () => {
    const tensors = Array.from({ length: 16 }, (_, i) => ({
      name: `blk.${i}.w`,
      dims: [(4 * GiB) / 16 / 4],
      type: 0,
    }))
    const g = buildGguf({
      kv: [
        { key: 'general.architecture', type: 'string', value: 'llama' },
        { key: 'tokenizer.chat_template', type: 'string', value: BENIGN_TEMPLATES['qwen-like']! },
      ],
      tensors,
      headerOnly: true,
    })
    const src = virtualFile(g.bytes, g.dataStart + g.dataBytes, 'big.gguf')
    const r = scanSource(src, { path: '/v/big.gguf', scanners: STRUCTURED_SCANNERS })
    expect([r.format, r.invalid, r.findings]).toEqual(['gguf', undefined, []])
    expect(src.size).toBeGreaterThan(4 * GiB)
    expect(src.bytesRead).toBeLessThan(2 * 1024 * 1024)
  })

  it('a 4 GiB safetensors file is scanned reading only its header', () => {
    const header: Record<string, unknown> = {}
    const per = (4 * GiB) / 16
    for (let i = 0; i < 16; i++)
      header[`w${i}`] = { dtype: 'U8', shape: [per], data_offsets: [i * per, (i + 1) * per] }
    const json = Buffer.from(JSON.stringify(header))
    const len = Buffer.alloc(8)
    len.writeBigUInt64LE(BigInt(json.length))
    const src = virtualFile(
      Buffer.concat([len, json]),
      8 + json.length + 4 * GiB,
      'big.safetensors',
    )
    const r = scanSource(src, { path: '/v/big.safetensors', scanners: STRUCTURED_SCANNERS })
    expect([r.format, r.invalid]).toEqual(['safetensors', undefined])
    expect(r.metadata?.['parameterCount']).toBe(4 * GiB)
    expect(src.bytesRead).toBeLessThan(64 * 1024)
  })
})
