import { refreshPolicyFindings } from '../../policy/store'
import type { ScanSession, ScanSummary } from '../session'

const EMPTY_DELTA: ScanSummary['delta'] = {
  assets: { added: [], changed: [], gone: [] },
  findings: { opened: [], changed: [], resolved: [] },
}

/**
 * Stage 6, commit: the staged rows replace what the covered units emitted before, in one
 * transaction that also writes the change log; a cancelled scan changes nothing.
 */
export function commit(s: ScanSession): ScanSummary {
  const { writer, stats } = s
  const base = { scanId: writer.scanId, scope: s.plan.scope, roots: s.roots, stats }
  if (s.signal?.aborted) {
    writer.abort('interrupted', 'cancelled')
    stats.durationMs = Date.now() - s.t0
    return { ...base, status: 'interrupted', delta: EMPTY_DELTA }
  }
  s.setPhase('storing')
  s.progress(true)
  const c = writer.counts()
  stats.locationsChecked = s.units.locationsChecked()
  stats.assets = c.assets
  stats.findings = c.findings
  stats.skipped = c.skipped
  stats.durationMs = Date.now() - s.t0
  if (s.digestsPending.length) stats.digestsPending = new Set(s.digestsPending).size
  // Fleet policies judge the merged inventory inside the commit (src/core/policy).
  const done = writer.complete(stats, refreshPolicyFindings)
  s.setPhase('done')
  s.progress(true)
  return {
    ...base,
    stats: done.stats,
    status: 'complete',
    delta: done.delta,
    ...(s.digestsPending.length ? { digestsPending: [...new Set(s.digestsPending)].sort() } : {}),
  }
}

/**
 * A scan that failed: the scan row is marked failed (never left `running`), and the store
 * folds and truncates its write-ahead log, so that a disk that filled up during this scan does
 * not keep the next one from running. The caller rethrows.
 */
export function fail(s: ScanSession, e: unknown): void {
  try {
    s.writer.abort('failed', (e as Error)?.message ?? String(e))
  } catch {
    // The store itself failed; the next scan marks this one interrupted.
  }
  s.store.settle()
}
