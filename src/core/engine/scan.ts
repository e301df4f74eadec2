import type { Db } from '../storage/db'
import type { ScanStore } from '../storage/scan-store'
import { openScanStore } from '../storage/scan-store'
import type { ScanHooks, ScanOptions, ScanSummary } from './session'
import { openSession } from './session'
import { commit, fail } from './stages/commit'
import { crawl } from './stages/crawl'
import { locate, startProbes } from './stages/locate'
import { checkEnvironment } from './stages/secrets'

export type { ScanHooks, ScanOptions, ScanSummary } from './session'

/**
 * One scan, in named stages:
 * 1. session and roots (session.ts): options, roots, the scope resolved into a plan, the scan
 *    begun in the store;
 * 2. known locations, then crawl and classify (stages/locate.ts, stages/crawl.ts): locators
 *    probe the places tools and stores use and claim them, then the crawl walks the rest and
 *    queues each file's analyses;
 * 3. model analysis (stages/models.ts): static scan and digest of every model file;
 * 4. secrets (stages/secrets.ts): keys and their posture, per file and scan-wide;
 * 5. probes (stages/locate.ts): GPUs and listening servers, beside all of the above;
 * 6. commit (stages/commit.ts): the staged rows replace what the covered units emitted before,
 *    with the change log, in one transaction.
 * Everything is streamed into the store through its writer; a cancelled or failed scan leaves
 * the inventory as it was.
 */
export async function scan(
  db: Db | ScanStore,
  options: ScanOptions,
  hooks: ScanHooks = {},
): Promise<ScanSummary> {
  const store = 'begin' in db ? db : openScanStore(db)
  const s = await openSession(store, options, hooks)
  const probes = startProbes(s)
  try {
    await locate(s)
    s.setPhase('crawling')
    s.progress(true)
    await crawl(s)
    s.setPhase('analyzing')
    s.progress(true)
    await s.jobs.idle()
    await probes
    s.aliases.dispose()
    if (!s.signal?.aborted) await checkEnvironment(s)
    // Digests, reports and remembered analyses of this scan are kept even when it was cancelled.
    store.files.flush()
    store.memo.flush()
    await s.models.close()
    return commit(s)
  } catch (e) {
    s.aliases.dispose()
    // The system probes may still be emitting: let them finish before the scan is closed.
    await probes
    await s.models.close().catch(() => undefined)
    try {
      store.files.flush()
      store.memo.flush()
    } catch {
      // The scan's own error is the one to report.
    }
    fail(s, e)
    throw e
  }
}
