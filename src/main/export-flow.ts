import { rmSync, statSync } from 'node:fs'
import { extname, isAbsolute, join } from 'node:path'
import type { ExportFormat, ExportOutcome } from '../shared/ipc'
import { invalid } from './errors'

/** The report formats core writes (PDF is the HTML report printed by Chromium). */
export type CoreReportFormat = Exclude<ExportFormat, 'pdf'>

export type SaveDialogRequest = Readonly<{
  title: string
  defaultPath: string
  filters: readonly Readonly<{ name: string; extensions: readonly string[] }>[]
}>

export type ExportDeps = Readonly<{
  /** The native save dialog; undefined when the user cancels. */
  pickSavePath(req: SaveDialogRequest): Promise<string | undefined>
  /** Streams a report from the inventory to `path` (in a worker, off the main thread). */
  writeReport(format: CoreReportFormat, path: string, opts: { includeGone: boolean }): Promise<void>
  /** Prints an HTML file to PDF with Chromium (a hidden window in the app). */
  printToPdf(htmlPath: string, pdfPath: string): Promise<void>
  /** A private folder for the PDF's intermediate HTML. */
  scratchDir(): string
  defaultDir: string
  hostname: string
  now(): Date
}>

const FILE: Readonly<Record<ExportFormat, { ext: string; name: string }>> = {
  html: { ext: 'html', name: 'HTML report' },
  pdf: { ext: 'pdf', name: 'PDF report' },
  json: { ext: 'json', name: 'AI Scout JSON' },
  csv: { ext: 'csv', name: 'CSV (one row per asset)' },
  cyclonedx: { ext: 'cdx.json', name: 'CycloneDX 1.6 ML-BOM' },
  sarif: { ext: 'sarif', name: 'SARIF 2.1.0' },
}

/** `aiscout-<host>-<date>.<ext>`, with characters a file system might refuse replaced. */
export function defaultFileName(format: ExportFormat, hostname: string, now: Date): string {
  const host =
    hostname
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 60) || 'host'
  return `aiscout-${host}-${now.toISOString().slice(0, 10)}.${FILE[format].ext}`
}

/**
 * Export from the app: the save dialog, then the report written from the inventory (accepted
 * risk included, as in every export), or for PDF the HTML report printed by Chromium.
 */
export async function runExport(
  format: ExportFormat,
  opts: Readonly<{ includeGone: boolean }>,
  deps: ExportDeps,
): Promise<ExportOutcome> {
  const f = FILE[format]
  const chosen = await deps.pickSavePath({
    title: `Export ${f.name}`,
    defaultPath: join(deps.defaultDir, defaultFileName(format, deps.hostname, deps.now())),
    filters: [{ name: f.name, extensions: [f.ext.split('.').pop()!] }],
  })
  if (chosen === undefined) return { kind: 'cancelled' }
  if (!isAbsolute(chosen)) throw invalid('the export path must be absolute')
  const path = extname(chosen) ? chosen : `${chosen}.${f.ext}`
  if (format === 'pdf') {
    const html = join(deps.scratchDir(), `report-${process.pid}-${Date.now()}.html`)
    try {
      await deps.writeReport('html', html, opts)
      await deps.printToPdf(html, path)
    } finally {
      rmSync(html, { force: true })
    }
  } else {
    await deps.writeReport(format, path, opts)
  }
  return { kind: 'saved', path, bytes: statSync(path).size, format }
}
