import type { ExportFormat } from '../../../shared/ipc'
import { toast } from '../components/toast'
import { call, errorMessage } from './api'
import { formatBytes } from './format'

export const EXPORT_CHOICES: readonly { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'html', label: 'HTML report', hint: 'for people' },
  { format: 'pdf', label: 'PDF report', hint: 'printable' },
  { format: 'json', label: 'JSON', hint: 'full inventory' },
  { format: 'csv', label: 'CSV', hint: 'spreadsheets' },
  { format: 'cyclonedx', label: 'CycloneDX ML-BOM', hint: 'SBOM tools' },
  { format: 'sarif', label: 'SARIF', hint: 'code scanning' },
]

/** Export through main's save dialog; the result is announced in a toast. */
export async function exportReport(format: ExportFormat): Promise<void> {
  try {
    const r = await call('exportReport', { format })
    if (r.kind === 'saved') toast(`Saved ${r.path.split(/[\\/]/).pop()} (${formatBytes(r.bytes)})`)
  } catch (e) {
    toast(`Export failed: ${errorMessage(e)}`, 'error')
  }
}
