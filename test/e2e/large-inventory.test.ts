import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beginScan } from '../../src/core/storage/inventory-store'
import { openDb } from '../../src/core/storage/db'
import type { ScanStats } from '../../src/core/types'
import { HAS_CHROMIUM } from '../helpers/chromium'
import { openApp, shoot } from './helpers/app'
import { rendererSuite } from './helpers/suite'
import type { OpenApp } from './helpers/app'

const N = 100_000
const name = (i: number): string => `asset-${String(i).padStart(6, '0')}`

/** CPU time of every task on the renderer's main thread in a Chrome trace, longest first. */
function mainThreadTaskCpuMs(trace: Buffer): number[] {
  type Ev = {
    name: string
    ph: string
    pid: number
    tid: number
    dur?: number
    tdur?: number
    args?: { name?: string }
  }
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: Ev[] }).traceEvents
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  )
  return events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`))
    .map((e) => (e.tdur ?? 0) / 1000)
    .sort((a, b) => b - a)
}

/** An inventory of N model assets written through the real store (no scan needed). */
function makeInventory(file: string): void {
  const db = openDb(file)
  const w = beginScan(
    db,
    { hostname: 'big', platform: 'linux', arch: 'x64', osRelease: '6', user: 'u' },
    ['/home/u'],
  )
  for (let i = 0; i < N; i++) {
    const path = `/home/u/models/${name(i)}.safetensors`
    const id = w.addAsset({
      kind: 'model',
      path,
      name: name(i),
      format: 'safetensors',
      sizeBytes: ((i * 7919) % 100_000) * 1000,
      source: i % 3 ? 'crawl' : 'huggingface-cache',
      verdict: i % 1000 === 0 ? 'malicious' : 'safe',
      details: { architecture: i % 2 ? 'llama' : 'qwen2' },
    })
    if (i % 1000 === 0)
      w.addFinding({
        ruleId: 'pickle.dangerous-callable',
        message: 'calls os.system',
        path,
        assetId: id,
        callable: 'os.system',
      })
  }
  w.complete({ durationMs: 1, filesSeen: N } as ScanStats)
  db.close()
}

/**
 * 100,000 assets: the Inventory scrolls (step by step and by jumps), sorts and filters with no
 * task over 200 ms on the page's main thread: long tasks found with the Performance API in the
 * page, their main-thread work read from Chrome's trace of the same run. The worker's query times
 * are not asserted (tests do not time the machine; the query layer has its benchmark).
 */
describe.skipIf(!HAS_CHROMIUM)('a 100,000-asset inventory in the desktop app', () => {
  const s = rendererSuite('aiscout-ui-big-')
  let a: OpenApp

  beforeAll(async () => {
    makeInventory(join(s.tmp, 'big.db'))
    a = await openApp(s.browser, s.url, {
      dbPath: join(s.tmp, 'big.db'),
      home: join(s.tmp, 'home'),
    })
  }, 180_000)
  afterAll(async () => {
    await a?.close()
  })

  it('scrolls, jumps, sorts and filters with no long task over 200 ms, keeping the DOM small', async () => {
    const { page } = a
    await page.goto(`${s.url}#/inventory/models`)
    await page.getByTestId('asset-row').first().waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('100,000 items')
    // Long tasks from here on (the page's own start-up is not what users feel while scrolling).
    await page.evaluate(() => {
      const w = globalThis as unknown as { __long: number[]; __t0: number }
      w.__long = []
      w.__t0 = performance.now()
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (e.startTime >= w.__t0) w.__long.push(e.duration)
      }).observe({ type: 'longtask', buffered: true })
    })
    await s.browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
    })
    const body = page.getByTestId('asset-table')
    const rowAt = async (i: number): Promise<string | null> =>
      page.locator(`#row-${i} [data-col="name"]`).textContent()
    // Step by step, as a wheel would.
    for (let s = 1; s <= 15; s++) {
      await body.evaluate((el, y) => (el.scrollTop = y), s * 1500)
      await page.waitForTimeout(40)
    }
    await expect
      .poll(() => rowAt(Math.floor((15 * 1500) / 34) + 2), { timeout: 30_000 })
      .toBe(name(Math.floor((15 * 1500) / 34) + 2))
    // A jump to the middle and to the end (a scrollbar drag): the rows there, in order.
    await body.evaluate((el) => (el.scrollTop = 50_000 * 34))
    await expect.poll(() => rowAt(50_000), { timeout: 30_000 }).toBe(name(50_000))
    await body.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect.poll(() => rowAt(N - 1), { timeout: 30_000 }).toBe(name(N - 1))
    expect(await page.getByTestId('asset-row').count()).toBeLessThan(80)
    // Sort by size, largest first.
    await page.getByTestId('sort-size').click()
    await page.getByTestId('sort-size').click()
    await page.waitForURL(/sort=size&dir=desc/)
    await expect
      .poll(() => page.locator('#row-0 [data-col="size"]').textContent(), {
        timeout: 30_000,
      })
      .toBe('100.0 MB')
    // Filter by text: the count and the rows follow.
    // Core's search matches each word by its start (README, Query layer): `0777` finds
    // asset-077712, not asset-000777.
    const expected = Array.from({ length: N }, (_, i) => name(i)).filter((n) =>
      /(^|[^a-z0-9])0777/i.test(n),
    ).length
    expect(expected).toBeGreaterThan(50)
    await page.getByTestId('inventory-search').fill('0777')
    await expect
      .poll(() => page.getByTestId('result-count').textContent(), { timeout: 30_000 })
      .toBe(`${expected} items match`)
    const shown = await page
      .getByTestId('asset-row')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''))
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.every((t) => t.includes('0777'))).toBe(true)
    await page.getByTestId('inventory-search').fill('')
    await expect
      .poll(() => page.getByTestId('result-count').textContent(), { timeout: 30_000 })
      .toBe('100,000 items')
    const long = await page.evaluate(() => (globalThis as unknown as { __long: number[] }).__long)
    const cpu = mainThreadTaskCpuMs(await s.browser.stopTracing())
    await shoot(page, 'inventory-100k')
    // The page's long tasks (Performance API, wall clock) are what a user would feel on an idle
    // machine. On the shared test machine other processes preempt the page, so the wall time of a
    // task includes waiting for a core; the assertion is on the main thread's own work in each task
    // (its thread time in Chrome's trace of the same run), which is what the app controls.
    const report = `long tasks (wall): ${long.map((d) => Math.round(d)).join(', ') || 'none'} ms; longest main-thread tasks (CPU): ${cpu
      .slice(0, 8)
      .map((d) => Math.round(d))
      .join(', ')} ms`
    console.log(report)
    expect(cpu.length, 'the trace recorded the page').toBeGreaterThan(10)
    expect(Math.max(...cpu), report).toBeLessThan(200)
    expect(a.errors).toEqual([])
  })
})
