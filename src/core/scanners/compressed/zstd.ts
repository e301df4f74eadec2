import { budgetNote, holdInflated, inflateRoom } from '../inflate-budget'
import { Decompress } from 'fzstd'
import type { ByteSource } from '../byte-source'
import { bufferSource } from '../byte-source'
import type { FormatScanResult, ScanContext } from '../types'
import { defineScanner } from '../types'
import { bomb, innerName, mergeInner, unscannable } from './common'

/**
 * Zstandard-compressed files (`model.pkl.zst`, `weights.tar.zst`): decoded with fzstd (pure
 * JavaScript, streaming) and handed back to the registry. The frame structure is walked here
 * first, so nothing is allocated on the word of a header: fzstd sizes its window buffer from the
 * frame header, so a frame declaring a window over WINDOW_LIMIT is refused before decoding, and
 * output is counted block by block against the bomb limits (as for zip).
 */

const MAGIC = 0xfd2fb528
/** fzstd supports back-references of at most 2^25 bytes; larger windows are refused. */
const WINDOW_LIMIT = 1 << 25

type Frame = { start: number; end: number; window: number; contentSize?: number }

class Stop extends Error {}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
}

/** Walks frames and block headers; returns the frames or the first structural problem. */
export function zstdFrames(src: ByteSource): { frames: Frame[]; problem?: string } {
  const frames: Frame[] = []
  let at = 0
  while (at < src.size) {
    const h = src.read(at, 18)
    if (h.length < 4) return { frames, problem: `truncated frame header at ${at}` }
    const magic = u32(h, 0)
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (h.length < 8) return { frames, problem: `truncated skippable frame at ${at}` }
      at += 8 + u32(h, 4)
      continue
    }
    if (magic !== MAGIC) return { frames, problem: `no zstd frame at offset ${at}` }
    const fhd = h[4]!
    if (fhd & 0x08) return { frames, problem: `reserved frame header bit set at ${at}` }
    const single = (fhd >> 5) & 1
    const dictSize = [0, 1, 2, 4][fhd & 3]!
    const fcsFlag = fhd >> 6
    const fcsSize = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag]!
    let p = 5
    let window = 0
    if (!single) {
      const wd = h[p++]!
      const base = 2 ** (10 + (wd >> 3))
      window = base + (base / 8) * (wd & 7)
    }
    let dictId = 0
    for (let i = 0; i < dictSize; i++) dictId += h[p + i]! * 2 ** (8 * i)
    p += dictSize
    let contentSize: number | undefined
    if (fcsSize > 0) {
      contentSize = 0
      for (let i = 0; i < fcsSize; i++) contentSize += h[p + i]! * 2 ** (8 * i)
      if (fcsSize === 2) contentSize += 256
    }
    p += fcsSize
    if (h.length < p) return { frames, problem: `truncated frame header at ${at}` }
    if (single) window = contentSize ?? 0
    if (dictId !== 0) return { frames, problem: `frame at ${at} needs dictionary ${dictId}` }
    const start = at
    at += p
    for (;;) {
      const b = src.read(at, 3)
      if (b.length < 3) return { frames, problem: `truncated block header at ${at}` }
      const bh = b[0]! | (b[1]! << 8) | (b[2]! << 16)
      const last = bh & 1
      const type = (bh >> 1) & 3
      const size = bh >>> 3
      if (type === 3) return { frames, problem: `reserved block type at ${at}` }
      at += 3 + (type === 1 ? 1 : size)
      if (at > src.size) return { frames, problem: `block runs past the end at ${at}` }
      if (last) break
    }
    if (fhd & 0x04) at += 4
    if (at > src.size) return { frames, problem: 'checksum runs past the end' }
    frames.push({ start, end: at, window, contentSize })
  }
  return { frames }
}

export function scanZstd(src: ByteSource, ctx: ScanContext): FormatScanResult<'zstd'> {
  const { limits } = ctx
  const where = ctx.member ?? src.name
  if (src.size > limits.maxMemberBytes) {
    return unscannable(
      'zstd',
      ctx,
      `${src.size} bytes, over the ${limits.maxMemberBytes}-byte limit`,
    )
  }
  const { frames, problem } = zstdFrames(src)
  if (problem && frames.length === 0) return unscannable('zstd', ctx, `damaged: ${problem}`)
  // Nested archives share one inflate budget per file (inflate-budget.ts).
  const room = inflateRoom(ctx)
  const cap = Math.max(
    1,
    Math.min(limits.maxMemberBytes, room, src.size * limits.maxCompressionRatio + 4096),
  )
  const declared = frames.reduce((n, f) => n + (f.contentSize ?? 0), 0)
  const big = frames.find((f) => f.window > WINDOW_LIMIT)
  if (big)
    return unscannable(
      'zstd',
      ctx,
      `window of ${big.window} bytes is over the ${WINDOW_LIMIT}-byte limit`,
    )
  if (declared > cap) {
    return bomb(
      'zstd',
      ctx,
      `${where}: declares ${declared} bytes of output (limit ${cap}${budgetNote(cap, room)}); not decompressed`,
    )
  }
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (const f of frames) {
      const d = new Decompress((chunk) => {
        total += chunk.length
        if (total > cap) throw new Stop()
        if (chunk.length) chunks.push(chunk.slice())
      })
      d.push(src.read(f.start, f.end - f.start), true)
    }
  } catch (e) {
    if (e instanceof Stop) {
      return bomb(
        'zstd',
        ctx,
        `${where}: expands beyond ${cap} bytes${budgetNote(cap, room)}; not scanned`,
      )
    }
    return unscannable('zstd', ctx, `damaged: ${(e as Error).message}`)
  }
  const out = Buffer.concat(chunks, total)
  const inner = innerName(where, '.zst')
  const r = holdInflated(ctx, total, () => ctx.scanNested(bufferSource(out, inner), inner))
  return mergeInner('zstd', r, problem ? `trailing data: ${problem}` : undefined, {
    compression: 'zstd',
    inflatedBytes: total,
  })
}

export const zstdScanner = defineScanner({
  formats: ['zstd'],
  extensions: ['.zst', '.zstd', '.tzst'],
  claims: ['.zst', '.zstd', '.tzst'],
  sniff: (head) => head.length >= 4 && u32(head, 0) === MAGIC,
  scan: scanZstd,
})
