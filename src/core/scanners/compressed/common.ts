import type { FormatScanResult, ModelFinding, ModelMetadata, ScanContext } from '../types'

/** `model.pkl.zst` -> `model.pkl`; names without the suffix are kept as they are. */
export function innerName(name: string, suffix: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('!')) + 1)
  if (base.toLowerCase().endsWith(suffix)) return base.slice(0, -suffix.length) || base
  if (base.toLowerCase().endsWith('.tzst') || base.toLowerCase().endsWith('.tgz'))
    return `${base.slice(0, -5)}.tar`
  return base
}

/**
 * A container that could not be opened: medium and invalid, never safe (encrypted, damaged,
 * unsupported method, over the limits).
 */
export function unscannable<F extends string>(
  format: F,
  ctx: ScanContext,
  why: string,
): FormatScanResult<F> {
  return {
    format,
    findings: [
      {
        ruleId: 'archive.unscannable',
        message: `${ctx.member ?? 'the file'}: ${format} container not scanned (${why})`,
        member: ctx.member,
      },
    ],
    invalid: `${format} container could not be opened`,
  }
}

/**
 * Wraps the result of the decompressed content. Content that is no model at all (a compressed
 * text file) adds nothing; anything else keeps its findings, format and metadata.
 */
export function mergeInner<F extends string>(
  format: F,
  r: FormatScanResult,
  extraInvalid: string | undefined,
  metadata: Record<string, ModelMetadata[string]>,
): FormatScanResult<F> {
  const plain =
    r.format === 'unknown' && r.findings.every((f) => f.ruleId === 'model.unknown-format')
  const invalid = [plain ? undefined : r.invalid, extraInvalid].filter(Boolean).join('; ')
  return {
    format,
    findings: plain ? [] : r.findings,
    ...(invalid ? { invalid } : {}),
    metadata: { ...(r.metadata ?? {}), ...metadata, innerFormat: r.format },
  }
}

/** A decompression bomb: reported, nothing of it expanded or scanned. */
export function bomb<F extends string>(
  format: F,
  ctx: ScanContext,
  message: string,
  extra: readonly ModelFinding[] = [],
): FormatScanResult<F> {
  return {
    format,
    findings: [...extra, { ruleId: 'archive.bomb', message, member: ctx.member }],
  }
}
