import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** 1 MiB chunks: measured ~0.92x `openssl dgst -sha256` wall; 64 KiB chunks are 1.34x slower. */
const CHUNK = 1024 * 1024

/** Streams a file through SHA-256 (native crypto, no WASM). `onBytes` reports progress. */
export function sha256File(
  path: string,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    const s = createReadStream(path, { highWaterMark: CHUNK, signal })
    s.on('data', (chunk) => {
      h.update(chunk)
      onBytes?.(chunk.length)
    })
    s.on('error', reject)
    s.on('end', () => resolve(h.digest('hex')))
  })
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
