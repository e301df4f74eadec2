import type { ByteSource } from './byte-source'
import { pickleScanner } from './pickle/scan-pickle'
import { walksAsPickle } from './pickle/sniff'
import type { ModelFormat } from './registry'
import type { FormatScanResult, FormatScanner, ModelFinding, ScanContext } from './types'

type Run = (s: FormatScanner<ModelFormat>) => FormatScanResult<ModelFormat>

/**
 * torch.load of a non-zip file, pickle.load and pandas.read_pickle unpickle from byte 0 whatever
 * else the bytes are, so the first scanner to claim content cannot have the last word when the
 * same bytes also walk as a pickle: a TFLite root offset of 0x0643 opens with `C\x06` (a
 * SHORT_BINBYTES that skips the magic), a safetensors header length of 0x28.. with `C(`, and what
 * follows can be a GLOBAL/REDUCE payload while the structured parse passes. Such content gets the
 * pickle scanner as well and keeps the worse of both (findings and invalid reasons are merged).
 * The test is the opcode walk (an import or call reached, or a long valid run), not the looser
 * opening shapes, so a benign header that merely starts with a pickle-like byte pair (`}q`,
 * `\x80\x02` as a safetensors length) is not re-read as a broken pickle.
 *
 * `unpickled` content (members a loader is known to unpickle) gets the pickle scanner even when
 * it does not walk, or when no scanner claims it: it must never pass as safe or vanish as unknown.
 * Scanners that already read the leading pickle (coversLeadingPickle) keep their result alone.
 */
export function scanLeadingPickle(
  src: ByteSource,
  ctx: ScanContext,
  scanner: FormatScanner<ModelFormat> | undefined,
  scanners: readonly FormatScanner<ModelFormat>[],
  unpickled: boolean,
  run: Run,
  unknown: () => FormatScanResult<ModelFormat>,
): FormatScanResult<ModelFormat> {
  // A registry without the pickle scanner (a test subset) has nothing to add.
  const pickle = scanners.includes(pickleScanner) ? pickleScanner : undefined
  if (!scanner) return pickle && unpickled ? run(pickle) : unknown()
  if (scanner.coversLeadingPickle || !pickle) return run(scanner)
  const polyglot = walks(src)
  if (!polyglot && !unpickled) return run(scanner)
  const primary = run(scanner)
  const pickled = run(pickle)
  const note: ModelFinding[] = polyglot
    ? [
        {
          ruleId: 'model.pickle-polyglot',
          message: `Content is ${primary.format} and also a pickle stream from byte 0 (what pickle.load, pandas.read_pickle and torch.load of a non-zip file read); both were scanned`,
          member: ctx.member,
          offset: 0,
        },
      ]
    : []
  const invalid = [primary.invalid, pickled.invalid && `as a pickle: ${pickled.invalid}`]
    .filter(Boolean)
    .join('; ')
  return {
    format: primary.format,
    findings: [...note, ...primary.findings, ...pickled.findings],
    ...(invalid ? { invalid } : {}),
    ...(primary.metadata ? { metadata: primary.metadata } : {}),
  }
}

function walks(src: ByteSource): boolean {
  try {
    return walksAsPickle(src)
  } catch {
    // A source that cannot be read further holds no pickle to add.
    return false
  }
}
