import type { InventoryReader } from '../inventory'
import type { ReportOptions } from './common'
import { writeCsv } from './csv'
import { writeHtml } from './html/index'
import { writeJson } from './json'
import { writeSarif } from './sarif'

export type { DeviceRef, ReportOptions } from './common'
export { CycloneDxValidationError } from './cyclonedx/errors'

export const REPORT_FORMATS = ['json', 'csv', 'sarif', 'cyclonedx', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

type Writer = (
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
) => Promise<void>

/** The one registry of report formats, in REPORT_FORMATS order. */
export const REPORT_WRITERS: ReadonlyArray<
  Readonly<{ format: ReportFormat; extension: string; write: Writer }>
> = [
  { format: 'json', extension: 'json', write: writeJson },
  { format: 'csv', extension: 'csv', write: writeCsv },
  { format: 'sarif', extension: 'sarif', write: writeSarif },
  {
    format: 'cyclonedx',
    extension: 'cdx.json',
    // The CycloneDX library and its schema validator take ~100 ms to load: only when asked for.
    write: async (...args: Parameters<Writer>) =>
      (await import('./cyclonedx/index')).writeCycloneDx(...args),
  },
  { format: 'html', extension: 'html', write: writeHtml },
]

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s)
}

/**
 * Writes the report to `out` (a Node Writable, e.g. fs.createWriteStream or process.stdout) and
 * resolves when flushed. Does not end `out`: the caller owns it. Rejects with a clear Error (and
 * writes nothing) if a CycloneDX document fails schema validation.
 */
export function writeReport(
  format: ReportFormat,
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  const w = REPORT_WRITERS.find((x) => x.format === format)
  if (!w) return Promise.reject(new Error(`unknown report format: ${String(format)}`))
  return w.write(inv, out, opts)
}
