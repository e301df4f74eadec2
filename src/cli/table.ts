import type { AssetKind, InventoryReader, ScanStats, Severity, SkippedEntry } from '../core'
import { ASSET_KINDS, findRule, SEVERITIES } from '../core'
import { color, formatBytes, plural, wrap } from './output'

const SEV_COLOR: Record<Severity, number> = {
  critical: 35,
  high: 31,
  medium: 33,
  low: 36,
  info: 90,
}

/** The files of a multi-file model whose verdict is not safe (`details.parts`), for the risky list. */
function riskyParts(parts: unknown): string {
  if (!Array.isArray(parts)) return ''
  return parts
    .filter(
      (p): p is { name: string; verdict: string } =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as { name?: unknown }).name === 'string' &&
        ((p as { verdict?: unknown }).verdict === 'malicious' ||
          (p as { verdict?: unknown }).verdict === 'suspicious'),
    )
    .map((p) => p.name)
    .slice(0, 5)
    .join(', ')
}

/**
 * What a scan looked at, in one line, so that a home with few AI assets does not look as if
 * nothing happened: known locations probed, files and folders crawled, folders pruned (by rule)
 * and paths skipped (by reason).
 */
export function coverageLine(stats: ScanStats, skipped: Iterable<SkippedEntry>): string {
  const byRule = Object.entries(stats.pruned ?? {}).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  )
  const pruned = stats.prunedDirs ?? 0
  const reasons = new Map<string, number>()
  let nSkipped = 0
  for (const sk of skipped) {
    nSkipped++
    reasons.set(sk.reason, (reasons.get(sk.reason) ?? 0) + 1)
  }
  const parts = [
    `checked ${plural(stats.locationsChecked ?? 0, 'known location')}`,
    `crawled ${plural(stats.filesSeen, 'file')} in ${plural(stats.dirsSeen, 'folder')}`,
    `pruned ${plural(pruned, 'folder')}${byRule.length ? ` (${byRule.map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
    `skipped ${plural(nSkipped, 'path')}${reasons.size ? ` (${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
  ]
  return parts.join(', ')
}

/** The human summary of an inventory: counts by kind, then findings by severity with a fix line. */
export function renderInventoryTable(
  inv: InventoryReader,
  opts: { maxFindings?: number; columns?: number } = {},
): string {
  const width = opts.columns ?? 100
  const lines: string[] = []
  const byKind = new Map<AssetKind, number>()
  let modelBytes = 0
  const risky: string[] = []
  for (const a of inv.assets()) {
    byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1)
    if (a.kind === 'model' && a.sizeBytes) modelBytes += a.sizeBytes
    if (a.kind === 'model' && (a.verdict === 'malicious' || a.verdict === 'suspicious')) {
      const files = riskyParts(a.details['parts'])
      risky.push(
        `  ${color(a.verdict === 'malicious' ? 31 : 33, a.verdict.padEnd(10))} ${a.path}${files ? ` (${files})` : ''}`,
      )
    }
  }
  const s = inv.scan
  lines.push(color(1, `AI Scout inventory — ${inv.host.hostname} (${inv.host.platform})`))
  lines.push(
    `scan ${s.id}  ${s.startedAt}  ${plural(s.stats.filesSeen, 'file')}, ${plural(s.stats.dirsSeen, 'folder')} in ${(s.stats.durationMs / 1000).toFixed(1)} s`,
  )
  lines.push(color(90, coverageLine(s.stats, inv.skipped())))
  lines.push('')
  lines.push(color(1, 'Assets'))
  let total = 0
  for (const k of ASSET_KINDS) {
    const n = byKind.get(k) ?? 0
    total += n
    if (n) lines.push(`  ${k.padEnd(20)} ${String(n).padStart(6)}`)
  }
  if (total === 0) lines.push('  (none found)')
  if (modelBytes) lines.push(`  model storage        ${formatBytes(modelBytes).padStart(6)}`)
  if (risky.length) {
    lines.push('')
    lines.push(color(1, 'Risky model files'))
    lines.push(...risky.slice(0, 50))
  }
  const bySev = new Map<Severity, number>()
  const shown: string[] = []
  let nShown = 0
  const max = opts.maxFindings ?? 40
  for (const f of inv.findings()) {
    bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1)
    if (nShown < max && f.severity !== 'info') {
      nShown++
      const where = f.line ? `${f.path}:${f.line}` : f.path
      shown.push(`  ${color(SEV_COLOR[f.severity], f.severity.toUpperCase().padEnd(8))} ${f.title}`)
      shown.push(`           ${where}${f.member ? ` [${f.member}]` : ''}`)
      shown.push(...wrap(f.message, width, 11).map((l, i) => (i === 0 ? `           ${l}` : l)))
      // The fix is the finding's own rule's (each location kind has a rule of its own).
      const fix = findRule(f.ruleId)?.fix
      if (fix)
        shown.push(
          ...wrap(`fix: ${fix}`, width, 16, 11).map((l, i) =>
            color(90, i === 0 ? `           ${l}` : l),
          ),
        )
    }
  }
  lines.push('')
  lines.push(color(1, 'Findings'))
  const counts = [...SEVERITIES].reverse().map((sv) => `${sv} ${bySev.get(sv) ?? 0}`)
  lines.push(`  ${counts.join('  ')}`)
  if (shown.length) lines.push(...shown)
  const nFindings = [...bySev.values()].reduce((a, b) => a + b, 0)
  if (nFindings > nShown && nShown >= max)
    lines.push(
      `  … ${plural(nFindings - nShown, 'more finding')} (use --format json or html for all)`,
    )
  if (s.stats.skipped) {
    lines.push('')
    lines.push(
      color(
        90,
        `${plural(s.stats.skipped, 'path')} skipped (permissions, vanished files, over-long paths); see --format json "skipped"`,
      ),
    )
  }
  return lines.join('\n') + '\n'
}
