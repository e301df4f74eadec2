import type { Locator } from '../../discovery/types'
import type { ScanSession } from '../session'
import { locatorUnit } from '../units'

type Planned = Readonly<{ locator: Locator; index: number }>

/** One locator run, as its own unit of work; a locator that throws becomes a skipped entry. */
async function runLocator(s: ScanSession, { locator, index }: Planned): Promise<void> {
  await s.units.run(locatorUnit(locator.id, index), async () => {
    try {
      await locator.locate(s.ctx)
    } catch (e) {
      s.skip({
        path: `locator:${locator.id}`,
        reason: 'error',
        message: `${locator.title}: ${(e as Error).message ?? String(e)}`,
      })
    }
  })
}

/**
 * Stage 5, probes: system probes wait on child processes and sockets (GPUs, listening ports);
 * they claim nothing the crawl reads, so they run beside everything else.
 */
export function startProbes(s: ScanSession): Promise<unknown> {
  return Promise.allSettled(
    s.plan.locators.filter((l) => l.locator.besideCrawl).map((l) => runLocator(s, l)),
  )
}

/**
 * Stage 2a, known locations: store, tool and config locators run in registry order before the
 * crawl; stores claim their folders so the crawl skips them.
 */
export async function locate(s: ScanSession): Promise<void> {
  for (const l of s.plan.locators) {
    if (s.signal?.aborted) break
    if (l.locator.besideCrawl) continue
    s.setCurrent(l.locator.title)
    s.progress()
    await runLocator(s, l)
  }
}
