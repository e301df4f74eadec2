import type { ByteSource } from '../byte-source'
import { defineScanner, ScanCancelledError } from '../types'
import type { CancelSignal, FormatScanResult, ModelFinding } from '../types'
import { FindingSink } from './findings'
import { linearPass } from './linear'
import type { MachineShared } from './machine'
import { PickleError, PickleMachine } from './machine'
import { looksLikePickle } from './sniff'

export type PickleScanOptions = Readonly<{
  /** Stop after this many pickles (legacy torch: 5; tar `storages`: 1). */
  maxPickles?: number
  /** Bytes after the last pickle are data, not junk (legacy torch storages). */
  trailingAllowed?: boolean
  /** Start offset in the source (npy object payload). */
  start?: number
}>

export type PickleScanResult = Readonly<{
  findings: ModelFinding[]
  invalid?: string
  /** Complete pickles parsed. */
  pickles: number
  /** Offset just after the last complete pickle. */
  end: number
  /** joblib NumpyArrayWrapper seen (the file is a joblib dump). */
  joblib: boolean
}>

/**
 * Stack limit scaled with the input: no fixed opcode cap (a large benign file must not turn into
 * a false alarm), but a stack deeper than the data could justify is a resource attack.
 */
function maxStackFor(size: number): number {
  return Math.min(20_000_000, 100_000 + Math.floor(size / 16))
}

/**
 * Scans raw pickle bytes without executing anything: every pickle in the stream (stacked pickles),
 * keeping findings when the stream is truncated or ends in junk (then `invalid` is set too).
 * Never throws for bad input. Reusable by notebook and numpy scanners.
 */
export function scanPickleBytes(
  src: ByteSource,
  ctx: Readonly<{ member?: string; signal?: CancelSignal }>,
  opts: PickleScanOptions = {},
): PickleScanResult {
  const sink = new FindingSink(ctx.member)
  const shared: MachineShared = {
    sink,
    joblib: false,
    maxStack: maxStackFor(src.size),
    signal: ctx.signal,
  }
  const maxPickles = opts.maxPickles ?? Infinity
  let pos = opts.start ?? 0
  let pickles = 0
  let invalid: string | undefined
  while (pos < src.size && pickles < maxPickles) {
    const m = new PickleMachine(src, pos, shared)
    try {
      m.runOne()
      pickles++
      pos = m.pos
    } catch (e) {
      if (e instanceof PickleError && e.limit) {
        // The rest is still read, linearly, for what it imports and calls: a payload placed
        // after millions of harmless pushes is found all the same.
        const lin = linearPass(src, e.at, sink, ctx.signal)
        invalid = `resource limit: ${e.message}`
        sink.add(
          'pickle.resource-limit',
          `The symbolic machine stopped at its limit (${e.message}) at offset ${e.at}; the rest of the stream (${lin.end - e.at} bytes, ${lin.calls} calls) was checked by a linear pass for imports${lin.stoppedAt ? `, which stopped at ${lin.stoppedAt}` : ''}`,
          e.at,
        )
        break
      }
      if (!(e instanceof PickleError)) {
        if (e instanceof ScanCancelledError) throw e
        invalid = `pickle scanner error: ${(e as Error).message}`
        sink.add(
          'pickle.malformed',
          `The pickle could not be parsed: ${(e as Error).message}`,
          m.pos,
        )
        break
      }
      if (pickles > 0 && e.at === pos) {
        // Junk right after a complete pickle: loaders ignore it, but it is not a clean stream.
        if (opts.trailingAllowed) break
        invalid = `${src.size - pos} bytes of non-pickle data after pickle ${pickles}`
        sink.add(
          'pickle.trailing-data',
          `${src.size - pos} bytes after the last pickle are not a pickle`,
          pos,
        )
      } else {
        invalid = e.truncated ? `pickle truncated: ${e.message}` : `malformed pickle: ${e.message}`
        sink.add(
          'pickle.malformed',
          `The pickle stream is ${e.truncated ? 'truncated' : 'malformed'}: ${e.message}`,
          e.at,
        )
      }
      break
    }
  }
  if (pickles === 0 && invalid === undefined && pos >= src.size) {
    invalid = 'empty pickle stream'
    sink.add('pickle.malformed', 'The pickle stream is empty', 0)
  }
  return { findings: sink.list(), invalid, pickles, end: pos, joblib: shared.joblib }
}

/** Raw pickle streams (also .bin/.pt/.ckpt files that are really pickles, joblib, dill, cloudpickle). */
export const pickleScanner = defineScanner({
  formats: ['pickle', 'joblib'],
  claims: ['.pkl', '.pickle', '.joblib', '.dill'],
  runsCode: true,
  coversLeadingPickle: true,
  extensions: [
    '.pkl',
    '.pickle',
    '.joblib',
    '.dill',
    '.pt',
    '.pth',
    '.bin',
    '.ckpt',
    '.dat',
    '.data',
  ],
  sniff(head, src) {
    return looksLikePickle(head, src)
  },
  scan(src, ctx): FormatScanResult<'pickle' | 'joblib'> {
    const r = scanPickleBytes(src, ctx)
    return {
      format: r.joblib ? 'joblib' : 'pickle',
      findings: r.findings,
      invalid: r.invalid,
      metadata: { pickles: r.pickles },
    }
  },
})
