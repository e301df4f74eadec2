import { holdInflated, inflateRoom } from './inflate-budget'
import { constants as zc, gunzipSync, inflateSync } from 'node:zlib'
import { bufferSource } from './byte-source'
import { looksLikePickle } from './pickle/sniff'
import { scanPickleBytes } from './pickle/scan-pickle'
import { defineScanner } from './types'
import type { FormatScanResult } from './types'

/**
 * Compressed joblib dumps (`joblib.dump(obj, f, compress=...)` with zlib or gzip): the whole
 * file is one compressed pickle stream. Claimed only when the first inflated bytes are a pickle,
 * so ordinary .gz files are left alone. bz2/lzma/lz4 joblib files are not decoded (no codec in
 * Node) and stay `unknown`.
 */

type Codec = 'zlib' | 'gzip'

function codecOf(head: Uint8Array): Codec | undefined {
  if (head.length < 2) return undefined
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  // zlib as joblib detects it: only the 0x78 first byte (joblib's _ZLIB_PREFIX). Other valid
  // zlib headers (`(`, `X`, `h`: pickle opcodes) are read by joblib as a raw pickle, so they must
  // not be claimed here (coversLeadingPickle) but left to the pickle scanner.
  if (head[0] === 0x78 && ((head[0] << 8) | head[1]!) % 31 === 0) return 'zlib'
  return undefined
}

function inflate(codec: Codec, data: Uint8Array, maxOutputLength: number): Buffer {
  const opts = { maxOutputLength, finishFlush: zc.Z_SYNC_FLUSH }
  return codec === 'gzip' ? gunzipSync(data, opts) : inflateSync(data, opts)
}

/** Compressed bytes inflated by sniff: deflate expands at most ~1032x, so 1 MiB of output suffices. */
const SNIFF_IN = 256

export const joblibCompressedScanner = defineScanner({
  formats: ['joblib'],
  extensions: ['.joblib', '.pkl', '.pickle', '.dat'],
  claims: ['.pkl', '.pickle', '.joblib', '.dill'],
  runsCode: true,
  coversLeadingPickle: true,
  sniff(head) {
    const codec = codecOf(head)
    if (!codec) return false
    try {
      const out = inflate(codec, head.subarray(0, SNIFF_IN), 1 << 20)
      return looksLikePickle(out.subarray(0, 512))
    } catch {
      return false
    }
  },
  scan(src, ctx): FormatScanResult<'joblib'> {
    const codec = codecOf(src.read(0, 2))!
    const { limits } = ctx
    if (src.size > limits.maxMemberBytes) {
      return {
        format: 'joblib',
        findings: [
          {
            ruleId: 'zip.not-scanned',
            message: `compressed joblib file of ${src.size} bytes is over the ${limits.maxMemberBytes}-byte scan limit`,
            member: ctx.member,
          },
        ],
        invalid: 'too large to decompress',
      }
    }
    // Bomb guard: output capped by ratio, member and total limits before inflating.
    const cap = Math.max(
      1,
      // The file-wide budget (inflate-budget.ts): enclosing archives' buffers count too.
      Math.min(limits.maxMemberBytes, inflateRoom(ctx), src.size * limits.maxCompressionRatio),
    )
    let out: Buffer
    try {
      out = inflate(codec, src.read(0, src.size), cap)
    } catch (e) {
      const tooBig =
        (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError
      return {
        format: 'joblib',
        findings: [
          tooBig
            ? {
                ruleId: 'zip.bomb',
                message: `compressed joblib expands beyond ${cap} bytes; not scanned`,
                member: ctx.member,
              }
            : {
                ruleId: 'pickle.malformed',
                message: `compressed joblib stream is damaged (${(e as Error).message})`,
                member: ctx.member,
              },
        ],
        invalid: tooBig ? 'decompression limit' : 'damaged compressed stream',
      }
    }
    const r = holdInflated(ctx, out.length, () => scanPickleBytes(bufferSource(out, src.name), ctx))
    return {
      format: 'joblib',
      findings: r.findings,
      invalid: r.invalid,
      metadata: { compression: codec, pickles: r.pickles },
    }
  },
})
