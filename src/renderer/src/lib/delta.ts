import type { ScanOutcome } from '../../../shared/ipc'
import { plural } from './format'

/** One line saying what a scan changed: "1 finding resolved, 2 assets changed" or "no changes". */
export function describeDelta(o: Extract<ScanOutcome, { kind: 'complete' }>): string {
  const d = o.delta
  const parts = [
    d.findingsOpened && `${plural(d.findingsOpened, 'new finding')}`,
    d.findingsResolved && `${plural(d.findingsResolved, 'finding')} resolved`,
    d.assetsAdded && `${plural(d.assetsAdded, 'asset')} added`,
    d.assetsChanged && `${plural(d.assetsChanged, 'asset')} changed`,
    d.assetsGone && `${plural(d.assetsGone, 'asset')} gone`,
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : 'no changes'
}

/** The toast after "Rescan" of one item. */
export function rescanMessage(o: ScanOutcome): string {
  switch (o.kind) {
    case 'complete':
      return `Rescanned: ${describeDelta(o)}`
    case 'interrupted':
      return 'Rescan cancelled; nothing changed'
    case 'busy':
    case 'failed':
      return `Rescan did not run: ${o.message}`
  }
}
