import type { InventoryReader, ReportFormat } from '../../core'
import { writeReport } from '../../core'
import { openOutput } from '../output'
import { renderInventoryTable } from '../table'
import { VERSION } from '../version'
import type { Io } from '../io'
import { resolvePath } from '../io'

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'html', 'csv'] as const
export type ScanFormat = (typeof SCAN_FORMATS)[number]

/** Writes an inventory in the chosen format to --out FILE or stdout. */
export async function emitInventory(
  io: Io,
  inv: InventoryReader,
  format: ScanFormat,
  out: string | undefined,
  opts: { repoRoot?: string; includeGone?: boolean } = {},
): Promise<void> {
  if (format === 'table' && !out) {
    io.stdout.write(renderInventoryTable(inv, { columns: columnsOf(io) }))
    return
  }
  const o = out ? openOutput(resolvePath(io, out)) : { stream: io.stdout, close: async () => {} }
  const reportOpts = {
    toolVersion: VERSION,
    repoRoot: opts.repoRoot,
    includeGone: opts.includeGone,
  }
  if (format === 'table') o.stream.write(renderInventoryTable(inv, { columns: columnsOf(io) }))
  else if (format === 'csv' && out) {
    // Spreadsheets read one table per file: assets in FILE, findings in FILE.findings.csv.
    await writeReport('csv', inv, o.stream, { ...reportOpts, csvTable: 'assets' })
    const findingsPath = findingsFileFor(resolvePath(io, out))
    const f = openOutput(findingsPath)
    await writeReport('csv', inv, f.stream, { ...reportOpts, csvTable: 'findings' })
    await f.close()
    io.stderr.write(`findings: ${findingsPath}\n`)
  } else await writeReport(format as ReportFormat, inv, o.stream, reportOpts)
  await o.close()
}

/** `report.csv` → `report.findings.csv` (the findings table beside the assets table). */
export function findingsFileFor(path: string): string {
  return /\.csv$/i.test(path) ? path.replace(/\.csv$/i, '.findings.csv') : `${path}.findings.csv`
}

/** Terminal width for wrapping the table (100 when the output is not a terminal). */
export function columnsOf(io: Io): number {
  const s = io.stdout as NodeJS.WriteStream
  return s.isTTY && s.columns ? s.columns : 100
}
