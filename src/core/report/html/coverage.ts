import type { Asset, AssetKind, ScanStats, SkipReason } from '../../types'
import { markup, raw } from './escape'
import { KIND_LABELS } from './sections'

/** GPUs a compute asset stands for: a machine's count, or 1 for a GPU of its own. */
export function gpuCountOf(a: Asset): number {
  const n = a.details['gpuCount']
  if (typeof n === 'number') return n
  return a.details['type'] === 'gpu' ? 1 : 0
}

/** `Models (12)`, and for compute what a reader looks for: `Compute (1 machine, 0 GPUs)`. */
export function kindHeading(kind: AssetKind, n: number, gpus: number): string {
  return `${KIND_LABELS[kind]} (${countNote(kind, n, gpus)})`
}

export function countNote(kind: AssetKind, n: number, gpus: number): string {
  return kind === 'compute' ? `${plural(n, 'entry', 'entries')}, ${plural(gpus, 'GPU')}` : `${n}`
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/**
 * What the scan looked at and what it did not: files and folders walked, known locations checked,
 * folders pruned by rule with counts, paths skipped by reason. Shown even when nothing was skipped,
 * so "skipped 0" never hides what was not looked at.
 */
export function coverageSection(
  stats: ScanStats,
  skippedBy: ReadonlyMap<SkipReason, number>,
  skipped: number,
): string {
  const pruned = Object.entries(stats.pruned ?? {}).sort((a, b) => b[1] - a[1])
  const prunedRows = pruned.length
    ? pruned
        .map(
          ([rule, n]) =>
            markup`<tr><td>${rule}</td><td class="num">${n.toLocaleString('en-US')}</td></tr>`,
        )
        .join('')
    : '<tr><td class="muted" colspan="2">none</td></tr>'
  const skipRows = skipped
    ? [...skippedBy.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(
          ([r, n]) =>
            markup`<tr><td>${r}</td><td class="num">${n.toLocaleString('en-US')}</td></tr>`,
        )
        .join('')
    : '<tr><td class="muted" colspan="2">none: every path was read</td></tr>'
  const prunedTotal = stats.prunedDirs ?? pruned.reduce((n, [, c]) => n + c, 0)
  return markup`<section id="coverage">
    <h2>Coverage</h2>
    <p class="muted">
      Checked ${plural(stats.locationsChecked ?? 0, 'known location')}, crawled
      ${plural(stats.filesSeen, 'file')} in ${plural(stats.dirsSeen, 'folder')}, pruned
      ${plural(prunedTotal, 'folder')}, skipped ${plural(skipped, 'path')}.
    </p>
    <div class="coverage">
      <div>
        <h4>Looked at</h4>
        <table>
          <tr><td>Files seen</td><td class="num">${stats.filesSeen.toLocaleString('en-US')}</td></tr>
          <tr><td>Folders walked</td><td class="num">${stats.dirsSeen.toLocaleString('en-US')}</td></tr>
          <tr><td>Candidate files read</td><td class="num">${stats.candidates.toLocaleString('en-US')}</td></tr>
          <tr><td>Model files scanned</td><td class="num">${stats.modelsScanned.toLocaleString('en-US')}</td></tr>
        </table>
      </div>
      <div>
        <h4>Folders pruned, by rule</h4>
        <table>${raw(prunedRows)}</table>
      </div>
      <div>
        <h4>Paths skipped, by reason</h4>
        <table>${raw(skipRows)}</table>
      </div>
    </div>
  </section> `
}
