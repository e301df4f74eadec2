import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { PICKLE_FAMILY_SCANNERS } from '../../../../src/core/scanners/registry'
import { scanSource, withSeverity } from '../../../../src/core/scanners/scan-source'
import type { FormatScanResult } from '../../../../src/core/scanners/types'
import { verdictOf } from '../../../../src/core/scanners/verdict'
import type { Verdict } from '../../../../src/core/types'

/** Scans bytes through the pickle-family registry (independent of other scanner families). */
export function scanBytes(bytes: Uint8Array, name = 'model.bin'): FormatScanResult {
  return scanSource(bufferSource(bytes, name), { path: name, scanners: PICKLE_FAMILY_SCANNERS })
}

export function verdict(r: FormatScanResult): Verdict {
  return verdictOf(
    r.findings.map((f) => withSeverity(f).severity),
    r.invalid !== undefined,
  )
}

export function rules(r: FormatScanResult): string[] {
  return r.findings.map((f) => f.ruleId)
}

export function callables(r: FormatScanResult): string[] {
  return r.findings.map((f) => f.callable ?? '').filter((c) => c !== '')
}

/** Highest severity among the findings ('none' when there are none). */
export function maxSeverity(r: FormatScanResult): string {
  const order = ['info', 'low', 'medium', 'high', 'critical']
  let best = -1
  for (const f of r.findings) best = Math.max(best, order.indexOf(withSeverity(f).severity))
  return best < 0 ? 'none' : order[best]!
}
