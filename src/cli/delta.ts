import type { DeltaRecords } from '../core'
import type { Asset, Finding, ScanScope } from '../core'
import { color } from './output'

/** What `aiscout scan --path/--locator` prints: the changes the scan applied. */
export type DeltaDocument = Readonly<{
  schemaVersion: 1
  scan: Readonly<{ id: string; scope: ScanScope; durationMs: number }>
  delta: DeltaRecords
}>

const describeAsset = (a: Asset): string =>
  `${a.kind.padEnd(14)} ${a.name ?? ''}${a.name ? '  ' : ''}${color(90, a.path)}`

const describeFinding = (f: Finding): string =>
  `${f.severity.toUpperCase().padEnd(8)} ${f.title}  ${color(90, f.line ? `${f.path}:${f.line}` : f.path)}`

function scopeText(scope: ScanScope): string {
  switch (scope.kind) {
    case 'full':
      return 'everything'
    case 'paths':
      return `${scope.paths.length} path${scope.paths.length === 1 ? '' : 's'}`
    case 'locators':
      return `locator${scope.ids.length === 1 ? '' : 's'} ${scope.ids.join(', ')}`
  }
}

/** The delta as lines: `+` added or opened, `~` changed, `-` gone or resolved. */
export function renderDeltaTable(doc: DeltaDocument): string {
  const { assets, findings } = doc.delta
  const lines = [
    color(1, `AI Scout scan of ${scopeText(doc.scan.scope)}`) +
      `  ${doc.scan.id}  ${(doc.scan.durationMs / 1000).toFixed(1)} s`,
    `assets: ${assets.added.length} added, ${assets.changed.length} changed, ${assets.gone.length} gone`,
    ...assets.added.map((a) => `  ${color(32, '+')} ${describeAsset(a)}`),
    ...assets.changed.map((a) => `  ${color(33, '~')} ${describeAsset(a)}`),
    ...assets.gone.map((a) => `  ${color(90, '-')} ${describeAsset(a)}`),
    `findings: ${findings.opened.length} opened, ${findings.changed.length} changed, ${findings.resolved.length} resolved`,
    ...findings.opened.map((f) => `  ${color(31, '+')} ${describeFinding(f)}`),
    ...findings.changed.map((f) => `  ${color(33, '~')} ${describeFinding(f)}`),
    ...findings.resolved.map((f) => `  ${color(90, '-')} ${describeFinding(f)}`),
  ]
  return lines.join('\n') + '\n'
}
