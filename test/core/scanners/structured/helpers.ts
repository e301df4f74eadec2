import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { scanSource, withSeverity } from '../../../../src/core/scanners/scan-source'
import { STRUCTURED_SCANNERS } from '../../../../src/core/scanners/registry'
import type { FormatScanResult, ModelFinding } from '../../../../src/core/scanners/types'
import { verdictOf } from '../../../../src/core/scanners/verdict'
import type { Severity, Verdict } from '../../../../src/core/types'

export type Judged = FormatScanResult & {
  verdict: Verdict
  all: (ModelFinding & { severity: Severity })[]
}

/** Scans bytes as if they were a file called `name` (inside `path` for external-data checks). */
export function judge(
  bytes: Uint8Array,
  name: string,
  path = `/nonexistent/${name}`,
  member?: string,
): Judged {
  return judged(
    scanSource(bufferSource(bytes, name), { path, member, scanners: STRUCTURED_SCANNERS }),
  )
}

/** judge with every scanner of the registry (archives and their members included). */
export function judgeFile(bytes: Uint8Array, name: string, path = `/nonexistent/${name}`): Judged {
  return judged(scanSource(bufferSource(bytes, name), { path }))
}

function judged(r: FormatScanResult): Judged {
  const all = r.findings.map(withSeverity)
  return {
    ...r,
    all,
    verdict: verdictOf(
      all.map((f) => f.severity),
      r.invalid !== undefined,
    ),
  }
}

export function ruleIds(r: FormatScanResult): string[] {
  return r.findings.map((f) => f.ruleId)
}

/** A fresh temp dir for fixtures written at test time. */
export function tempDir(prefix: string): {
  dir: string
  write(name: string, data: Uint8Array | string): string
  cleanup(): void
} {
  const dir = mkdtempSync(join(tmpdir(), `aiscout-${prefix}-`))
  return {
    dir,
    write(name, data) {
      const p = join(dir, name)
      writeFileSync(p, data)
      return p
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
