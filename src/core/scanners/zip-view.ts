import type { ByteSource } from './byte-source'
import { extensionOf } from './registry'
import type { ModelFormat } from './registry'
import type { FormatScanResult, FormatScanner } from './types'
import { hasValidCentralDirectory } from './zip/reader'
import { zipScanner } from './zip/scanner'

type Run = (s: FormatScanner<ModelFormat>) => FormatScanResult<ModelFormat>

/**
 * Names whose loader opens the file as a zip found from its end record, whatever the first bytes
 * are: Keras 3 takes a `.keras` file that zipfile.is_zipfile accepts, TorchServe extracts a
 * `.mar` with zipfile, and any unzip tool opens a `.zip`. (torch.load and numpy.load test the
 * first bytes for `PK`, so `.pt`/`.npz` content another scanner claims is not theirs as a zip.)
 */
const ZIP_BY_END_RECORD: ReadonlySet<string> = new Set(['.keras', '.mar', '.zip'])

/**
 * A structured scanner claims content by its magic (GGUF, HDF5, ...), but a file with that magic
 * and a zip appended, named `.keras`, is a zip to Keras: its Lambda layers load. Such a file gets
 * the zip scan as well and keeps the worse of both (findings and invalid reasons merged), the way
 * leading-pickle.ts adds the pickle view. The zip scan itself reports the bytes in front
 * (zip.polyglot-prefix).
 */
export function withZipView(
  src: ByteSource,
  name: string,
  picked: FormatScanner<ModelFormat> | undefined,
  scanners: readonly FormatScanner<ModelFormat>[],
  primary: FormatScanResult<ModelFormat>,
  run: Run,
): FormatScanResult<ModelFormat> {
  if (!picked || picked === zipScanner || !scanners.includes(zipScanner)) return primary
  if (!ZIP_BY_END_RECORD.has(extensionOf(name))) return primary
  if (!safely(() => hasValidCentralDirectory(src))) return primary
  const zip = run(zipScanner)
  const invalid = [primary.invalid, zip.invalid && `as a zip: ${zip.invalid}`]
    .filter(Boolean)
    .join('; ')
  return {
    format: primary.format,
    findings: [...primary.findings, ...zip.findings],
    ...(invalid ? { invalid } : {}),
    ...(primary.metadata ? { metadata: primary.metadata } : {}),
  }
}

function safely(f: () => boolean): boolean {
  try {
    return f()
  } catch {
    // A source that cannot be read further holds no zip to add.
    return false
  }
}
