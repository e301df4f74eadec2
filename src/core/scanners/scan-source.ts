import { findRule } from '../rules'
import type { Severity } from '../types'
import type { ByteSource } from './byte-source'
import type { InflateBudget } from './inflate-budget'
import { newInflateBudget } from './inflate-budget'
import { scanLeadingPickle } from './leading-pickle'
import type { ModelFormat } from './registry'
import { extensionOf, MODEL_EXTENSIONS, namedLikePickle, SCANNERS } from './registry'
import { HEAD_BYTES } from './sniff'
import { withZipView } from './zip-view'
import { ScanCancelledError, throwIfCancelled } from './types'
import type {
  CancelSignal,
  FormatScanResult,
  FormatScanner,
  ModelFinding,
  NestedScanOptions,
  ScanContext,
  ScanLimits,
} from './types'
import { DEFAULT_LIMITS } from './types'

export type ScanSourceOptions = Readonly<{
  /** Outer file path (for messages and for formats that look beside the file, e.g. ONNX external data). */
  path: string
  member?: string
  /** Name to sniff by when the path is not the file's real name (content-addressed blobs). */
  name?: string
  depth?: number
  limits?: ScanLimits
  /** Registry to use (tests may pass a subset); defaults to SCANNERS. */
  scanners?: readonly FormatScanner<ModelFormat>[]
  /** Checked inside long parses (see CancelSignal). */
  signal?: CancelSignal
  /** Shared by nested scans; a new one (per file) when absent. */
  budget?: InflateBudget
}> &
  NestedScanOptions

/** Finds the first scanner whose sniff accepts the content. */
export function pickScanner(
  src: ByteSource,
  name: string,
  scanners: readonly FormatScanner<ModelFormat>[] = SCANNERS,
  depth = 0,
): FormatScanner<ModelFormat> | undefined {
  const head = src.read(0, HEAD_BYTES)
  for (const s of scanners) {
    if (s.memberOnly && depth === 0) continue
    try {
      if (s.sniff(head, src, name)) return s
    } catch {
      // A sniff that throws on odd input simply does not claim the file.
    }
  }
  return undefined
}

/**
 * Runs the registry over one source. Never throws: a scanner exception becomes an invalid result
 * with a `model.scanner-error` finding, and content no scanner claims is `unknown` + invalid.
 */
export function scanSource(
  src: ByteSource,
  opts: ScanSourceOptions,
): FormatScanResult<ModelFormat> {
  const limits = opts.limits ?? DEFAULT_LIMITS
  const depth = opts.depth ?? 0
  const scanners = opts.scanners ?? SCANNERS
  const name = opts.member ?? opts.name ?? opts.path
  const budget = opts.budget ?? newInflateBudget()
  const scanner = pickScanner(src, baseName(name), scanners, depth)
  const unknown = (): FormatScanResult<ModelFormat> => ({
    format: 'unknown',
    findings: [
      {
        ruleId: 'model.unknown-format',
        message: `Content of ${opts.member ? `member ${opts.member}` : 'the file'} matches no known model format`,
        member: opts.member,
      },
    ],
    invalid: 'no known model format',
  })
  const ctx: ScanContext = {
    path: opts.path,
    member: opts.member,
    depth,
    limits,
    signal: opts.signal,
    budget,
    scanNested(nested, memberName, nestedOpts) {
      const full = opts.member ? `${opts.member}!${memberName}` : memberName
      if (depth + 1 > limits.maxDepth) {
        return {
          format: 'unknown',
          findings: [
            {
              ruleId: 'model.invalid-structure',
              message: `Archive nesting deeper than ${limits.maxDepth} levels at ${full}; not scanned further`,
              member: full,
            },
          ],
          invalid: 'nesting too deep',
        }
      }
      return scanSource(nested, {
        path: opts.path,
        member: full,
        depth: depth + 1,
        limits,
        scanners,
        signal: opts.signal,
        budget,
        unpickled: nestedOpts?.unpickled,
      })
    },
    hasModelExtension: (memberName) => MODEL_EXTENSIONS.has(extensionOf(memberName)),
  }
  throwIfCancelled(opts.signal)
  const run = (s: FormatScanner<ModelFormat>) => runScanner(s, src, ctx)
  // A structured verdict must not hide a pickle a loader reads from byte 0 (leading-pickle.ts),
  // nor a zip a loader opens by its end record because of the name (zip-view.ts).
  const result = scanLeadingPickle(
    src,
    ctx,
    scanner,
    scanners,
    opts.unpickled === true || namedLikePickle(baseName(name)),
    run,
    unknown,
  )
  return withZipView(src, baseName(name), scanner, scanners, result, run)
}

/** One scanner's scan; an exception becomes an invalid result with `model.scanner-error`. */
function runScanner(
  scanner: FormatScanner<ModelFormat>,
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<ModelFormat> {
  try {
    return scanner.scan(src, ctx)
  } catch (e) {
    if (e instanceof ScanCancelledError) throw e
    return {
      format: scanner.formats[0],
      findings: [
        {
          ruleId: 'model.scanner-error',
          message: `The ${scanner.formats[0]} scanner stopped: ${(e as Error).message ?? String(e)}`,
          member: ctx.member,
        },
      ],
      invalid: 'scanner error',
    }
  }
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'), p.lastIndexOf('!'))
  return i >= 0 ? p.slice(i + 1) : p
}

/** Fills in the severity from the rule table. */
export function withSeverity(f: ModelFinding): ModelFinding & { severity: Severity } {
  return { ...f, severity: f.severity ?? findRule(f.ruleId)?.severity ?? 'medium' }
}
