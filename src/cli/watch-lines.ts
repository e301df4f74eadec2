import { homedir } from 'node:os'
import type {
  Asset,
  Finding,
  TargetState,
  WatchScanReason,
  WatchStatus,
  WatchTarget,
} from '../core'
import { describeTargetState } from '../core'
import type { DeltaDocument } from './delta'
import { color } from './output'

/** One `aiscout watch` JSON line: the scoped-scan delta document, with when and why. */
export type WatchLine = DeltaDocument &
  Readonly<{ at: string; reason: 'first-scan' | WatchScanReason }>

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`

const tilde = (p: string): string => {
  const h = homedir()
  return p === h || p.startsWith(h + '/') ? `~${p.slice(h.length)}` : p
}

const assetText = (a: Asset): string =>
  `${a.kind} ${a.name ?? a.path}${a.verdict && a.verdict !== 'safe' ? ` (${a.verdict})` : ''}`

const findingText = (f: Finding): string =>
  `${f.severity.toUpperCase()} ${f.ruleId} ${tilde(f.path)}`

/** Whether a delta changed anything (a rescan that found nothing new prints nothing). */
export function deltaIsEmpty(d: DeltaDocument['delta']): boolean {
  return (
    d.assets.added.length +
      d.assets.changed.length +
      d.assets.gone.length +
      d.findings.opened.length +
      d.findings.changed.length +
      d.findings.resolved.length ===
    0
  )
}

/**
 * The delta as one text line: time, counts, then the findings opened (most severe first) and
 * the assets added or gone, the first few of each.
 */
export function renderWatchLine(line: WatchLine): string {
  const { assets, findings } = line.delta
  const time = line.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  const parts = [
    color(90, time),
    `assets +${assets.added.length} ~${assets.changed.length} -${assets.gone.length}`,
    `findings +${findings.opened.length} ~${findings.changed.length} -${findings.resolved.length}`,
  ]
  const order = ['critical', 'high', 'medium', 'low', 'info']
  const items = [
    ...[...findings.opened]
      .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity))
      .map((f) =>
        color(f.severity === 'critical' || f.severity === 'high' ? 31 : 33, `+ ${findingText(f)}`),
      ),
    ...assets.added.map((a) => `+ ${assetText(a)}`),
    ...assets.gone.map((a) => color(90, `- ${assetText(a)}`)),
    ...findings.resolved.map((f) => color(90, `- ${findingText(f)}`)),
  ]
  const shown = items.slice(0, 4)
  if (items.length > shown.length) shown.push(`…and ${items.length - shown.length} more`)
  return `${parts.join('  ')}${shown.length ? '  ' + shown.join('  ') : ''}  (${line.reason}, ${plural(line.scan.scope.kind === 'paths' ? line.scan.scope.paths.length : 1, 'path')}, ${(line.scan.durationMs / 1000).toFixed(1)} s)\n`
}

const REASON_TEXT: Readonly<Record<WatchTarget['reason'], string>> = {
  location: 'known locations',
  'drop-folder': 'drop folders',
  'model-folder': 'model folders',
  'asset-folder': 'key and notebook folders',
  root: 'roots',
}

/** The status line printed when watching starts or what is watched changes. */
export function renderStatusLine(s: WatchStatus): string {
  const counts = new Map<string, number>()
  for (const t of s.targets)
    if (t.state.kind === 'watched')
      counts.set(t.target.reason, (counts.get(t.target.reason) ?? 0) + 1)
  const what = [...counts].map(([r, n]) => `${n} ${REASON_TEXT[r as WatchTarget['reason']]}`)
  const kernel = s.inotifyWatches === undefined ? '' : `, ${s.inotifyWatches} inotify watches`
  return `watching ${plural(s.watchedDirs, 'folder')} (budget ${s.budget}${kernel})${what.length ? ': ' + what.join(', ') : ''}`
}

/** What the log says when a target is not (fully) watched. */
export function renderTargetLine(t: WatchTarget, s: TargetState): string | undefined {
  return describeTargetState(t, s, tilde)
}
