import { budgetNote, holdInflated, inflateRoom } from '../inflate-budget'
import { constants as zc, gunzipSync } from 'node:zlib'
import type { ByteSource } from '../byte-source'
import { bufferSource } from '../byte-source'
import type { FormatScanResult, ScanContext } from '../types'
import { defineScanner } from '../types'
import { bomb, innerName, mergeInner, unscannable } from './common'

/** Compressed bytes inflated by sniff: enough for the first tar header. */
const SNIFF_IN = 4096

function inflatedHead(head: Uint8Array): Buffer | undefined {
  try {
    return gunzipSync(head.subarray(0, SNIFF_IN), {
      maxOutputLength: 1 << 20,
      finishFlush: zc.Z_SYNC_FLUSH,
    })
  } catch {
    return undefined
  }
}

/**
 * gzip-compressed tar archives (`.tar.gz`, and NeMo's `.nemo` when written compressed): inflated
 * with Node's zlib under the same bomb limits as zip members, then handed to the tar scanner.
 * Claimed only when the inflated start is a tar header, so gzip'd pickles stay with the joblib
 * scanner and other .gz files are left alone.
 */
export function scanGzipTar(src: ByteSource, ctx: ScanContext): FormatScanResult<'gzip' | 'nemo'> {
  const { limits } = ctx
  const where = ctx.member ?? src.name
  if (src.size > limits.maxMemberBytes)
    return unscannable(
      'gzip',
      ctx,
      `${src.size} bytes, over the ${limits.maxMemberBytes}-byte limit`,
    )
  // Nested archives share one inflate budget per file (inflate-budget.ts).
  const room = inflateRoom(ctx)
  const cap = Math.max(
    1,
    Math.min(limits.maxMemberBytes, room, src.size * limits.maxCompressionRatio + 4096),
  )
  let out: Buffer
  try {
    out = gunzipSync(src.read(0, src.size), { maxOutputLength: cap, finishFlush: zc.Z_SYNC_FLUSH })
  } catch (e) {
    const tooBig =
      (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError
    if (tooBig) {
      return bomb(
        'gzip',
        ctx,
        `${where}: expands beyond ${cap} bytes${budgetNote(cap, room)}; not scanned`,
      )
    }
    return unscannable('gzip', ctx, `damaged: ${(e as Error).message}`)
  }
  const name = innerName(where, '.gz')
  const r = holdInflated(ctx, out.length, () => ctx.scanNested(bufferSource(out, name), name))
  return mergeInner<'gzip' | 'nemo'>(r.format === 'nemo' ? 'nemo' : 'gzip', r, undefined, {
    compression: 'gzip',
    inflatedBytes: out.length,
  })
}

export const gzipTarScanner = defineScanner({
  formats: ['gzip', 'nemo'],
  // `.nemo` checkpoints written compressed; other .gz files are not model candidates.
  extensions: ['.nemo'],
  sniff(head) {
    if (head.length < 18 || head[0] !== 0x1f || head[1] !== 0x8b) return false
    const out = inflatedHead(head)
    return (
      out !== undefined &&
      out.length >= 262 &&
      out.subarray(257, 262).toString('latin1') === 'ustar'
    )
  },
  scan: scanGzipTar,
})
