import type { Db } from '../storage/db'
import { StoreError } from '../storage/db'
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
  const stages = (async () => {
    await locate(s)
    s.setPhase('crawling')
    s.progress(true)
    await crawl(s)
    s.setPhase('analyzing')
    s.progress(true)
    await s.jobs.idle()
    await probes
    if (!s.signal?.aborted) await checkEnvironment(s)
  })()
  try {
    await untilDoneOrCancelled(stages, s.signal)
    s.aliases.dispose()
    // Digests, reports and remembered analyses of this scan are kept even when it was cancelled.
    store.files.flush()
    store.memo.flush()
    await s.models.close()
    return commit(s)
  } catch (e) {
    s.aliases.dispose()
    // The system probes may still be emitting: let them finish before the scan is closed.
    await untilDoneOrCancelled(probes, s.signal).catch(() => undefined)
    await s.models.close().catch(() => undefined)
    try {
      store.files.flush()
      store.memo.flush()
    } catch {
      // The scan's own error is the one to report.
    }
    fail(s, e)
    throw namingTheStore(e, store.location)
  }
}

/** A database error names the inventory file (a full disk, a read-only folder, a damaged file). */
function namingTheStore(e: unknown, location: string): unknown {
  if (!(e instanceof Error) || e.name !== 'SqliteError') return e
  return new StoreError(`inventory database ${location}: ${e.message}`, { cause: e })
}

/**
 * Work still running this long after a cancel is left behind: what it emits afterwards is
 * dropped (the writer has ended), and the analysis and hashing workers are terminated, so a
 * cancelled scan returns within about a second whatever it was doing.
 */
const CANCEL_GRACE_MS = 250

function untilDoneOrCancelled(work: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  if (!signal) return work.then(() => undefined)
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const onAbort = (): void => {
      timer = setTimeout(resolve, CANCEL_GRACE_MS)
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        resolve()
      },
      (e: unknown) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
