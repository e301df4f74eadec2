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
    io.stdout.write(renderInventoryTable(inv))
    return
  }
  const o = out ? openOutput(resolvePath(io, out)) : { stream: io.stdout, close: async () => {} }
  if (format === 'table') o.stream.write(renderInventoryTable(inv))
  else
    await writeReport(format as ReportFormat, inv, o.stream, {
      toolVersion: VERSION,
      repoRoot: opts.repoRoot,
      includeGone: opts.includeGone,
    })
  await o.close()
}
