import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDirBudget } from '../../../src/core/watch/budget'
import { createWatchService, effectiveBudget } from '../../../src/core/watch'
import type { WatchEvent, WatchService, WatchTarget } from '../../../src/core/watch'
import { waitFor } from '../../helpers/wait'

const linux = process.platform === 'linux'

/** `files` files, nine per folder, under model_N/shard_M folders, plus a pruned node_modules. */
function bigTree(files: number): { root: string; dirs: number } {
  const root = mkdtempSync(join(tmpdir(), 'big-'))
  let dirs = 1
  let f = 0
  for (let m = 0; f < files; m++) {
    mkdirSync(join(root, `model_${m}`))
    dirs++
    for (let s = 0; s < 10 && f < files; s++) {
      const d = join(root, `model_${m}`, `shard_${s}`)
      mkdirSync(d)
      dirs++
      for (let k = 0; k < 9 && f < files; k++, f++) writeFileSync(join(d, `f${k}.bin`), 'x')
    }
  }
  for (let i = 0; i < 300; i++) mkdirSync(join(root, 'node_modules', `p${i}`), { recursive: true })
  return { root, dirs }
}

describe('watch budget', () => {
  it('admits all or nothing, shares folders between owners and releases them', () => {
    const b = createDirBudget(4)
    expect(b.admitAll('a', ['/x', '/x/1', '/x/2'])).toBe(true)
    expect(b.admitAll('b', ['/x/1', '/y', '/z'])).toBe(false)
    expect(b.used()).toBe(3)
    expect(b.admitAll('b', ['/x/1', '/y'])).toBe(true)
    expect(b.used()).toBe(4)
    expect(b.admitOne('b', '/w')).toBe(false)
    b.releaseOwner('a')
    // /x/1 is still held by b.
    expect([...b.dirs()].sort()).toEqual(['/x/1', '/y'])
    b.releaseTree('b', '/x')
    expect([...b.dirs()]).toEqual(['/y'])
    expect(() => createDirBudget(0)).toThrow()
  })

  it("never takes more than a quarter of the OS's per-user watch limit", () => {
    expect(effectiveBudget(8192, 8192)).toBe(2048)
    expect(effectiveBudget(8192, 524_288)).toBe(8192)
    expect(effectiveBudget(8192, undefined)).toBe(8192)
    expect(effectiveBudget(100, 2)).toBe(1)
  })
})

describe('watch budget on real trees', () => {
  const services: WatchService[] = []
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop()
  })
  const service = (
    plan: () => readonly WatchTarget[],
    budget: number,
    events: WatchEvent<number>[] = [],
    degradedEveryMs?: number,
    // The tests state their budget exactly: the kernel limit of the machine running them is not
    // part of what they check (an unlimited OS limit leaves the configured budget as it is).
    osWatchLimit = Number.POSITIVE_INFINITY,
  ) => {
    const requests: string[][] = []
    const svc = createWatchService<number>({
      plan,
      budget,
      osWatchLimit,
      degradedEveryMs,
      settle: { quietMs: 50 },
      runScan: async (r) => {
        requests.push([...r.paths])
        return 0
      },
      onEvent: (e) => events.push(e),
    })
    services.push(svc)
    return { svc, requests }
  }

  it('watches a 50,000-file tree with one watch per folder, within the default budget', async () => {
    const { root, dirs } = bigTree(50_000)
    const { svc } = service(() => [{ path: root, reason: 'root', source: 'test' }], 8192)
    await svc.start()
    const st = svc.status({ countKernelWatches: true })
    expect(st.targets[0]!.state).toEqual({ kind: 'watched', dirs })
    // node_modules and its 300 folders are pruned: one watch per remaining folder, no file watch.
    expect(st.watchedDirs).toBe(dirs)
    expect(st.watchedDirs).toBeLessThanOrEqual(8192)
    if (linux) expect(st.inotifyWatches).toBe(dirs)
  }, 180_000)

  it('degrades a root too big for the budget to periodic rescans and keeps higher-priority targets', async () => {
    const { root } = bigTree(5_000)
    const store = join(root, 'model_1')
    const events: WatchEvent<number>[] = []
    const { svc, requests } = service(
      () => [
        { path: store, reason: 'location', source: 'a store' },
        { path: root, reason: 'root', source: 'test' },
      ],
      100,
      events,
      300,
    )
    await svc.start()
    const st = svc.status({ countKernelWatches: true })
    const byPath = new Map(st.targets.map((t) => [t.target.path, t.state]))
    expect(byPath.get(store)).toEqual({ kind: 'watched', dirs: 11 })
    expect(byPath.get(root)).toMatchObject({ kind: 'degraded', why: 'over-budget', everyMs: 300 })
    expect(
      events.some(
        (e) => e.type === 'target' && e.target.path === root && e.state.kind === 'degraded',
      ),
    ).toBe(true)
    if (linux) expect(st.inotifyWatches).toBe(11)
    await waitFor(() => requests.some((r) => r.includes(root)), 'a periodic rescan of the root')
    // Changes in the watched store still arrive as events.
    const f = join(store, 'shard_1', 'new.gguf')
    writeFileSync(f, 'x')
    await waitFor(() => requests.some((r) => r.includes(f)), 'the store event')
  })

  it('holds a quarter of a small OS watch limit at most and degrades what does not fit', async () => {
    const { root, dirs } = bigTree(2_000)
    expect(dirs).toBeGreaterThan(100)
    const events: WatchEvent<number>[] = []
    const { svc } = service(
      () => [{ path: root, reason: 'root', source: 'test' }],
      8192,
      events,
      undefined,
      400,
    )
    await svc.start()
    const st = svc.status({ countKernelWatches: true })
    expect(st.budget).toBe(100)
    expect(st.targets[0]!.state).toMatchObject({ kind: 'degraded', why: 'over-budget' })
    expect(st.watchedDirs).toBe(0)
    if (linux) expect(st.inotifyWatches).toBe(0)
  })

  it('makes room for a higher-priority target by degrading lower ones', async () => {
    const { root } = bigTree(200)
    const other = mkdtempSync(join(tmpdir(), 'loc-'))
    for (let i = 0; i < 20; i++) mkdirSync(join(other, `d${i}`))
    let plan: WatchTarget[] = [{ path: root, reason: 'root', source: 'root' }]
    const { svc } = service(() => plan, 40)
    await svc.start()
    expect(svc.status().targets[0]!.state.kind).toBe('watched')
    plan = [...plan, { path: other, reason: 'location', source: 'store' }]
    await svc.refresh()
    const st = svc.status({ countKernelWatches: true })
    const byPath = new Map(st.targets.map((t) => [t.target.path, t.state.kind]))
    expect(byPath.get(other)).toBe('watched')
    expect(byPath.get(root)).toBe('degraded')
    expect(st.watchedDirs).toBe(21)
    if (linux) expect(st.inotifyWatches).toBe(21)
  })

  it('a watched tree that grows past the budget keeps its watches, says so and is rescanned periodically', async () => {
    const root = mkdtempSync(join(tmpdir(), 'grow-'))
    const events: WatchEvent<number>[] = []
    const { svc, requests } = service(
      () => [{ path: root, reason: 'root', source: 'root' }],
      5,
      events,
      300,
    )
    await svc.start()
    for (let i = 0; i < 10; i++) mkdirSync(join(root, `n${i}`))
    await waitFor(
      () => svc.status().targets[0]!.state.kind === 'degraded',
      'the tree marked as grown past the budget',
    )
    expect(svc.status().targets[0]!.state).toMatchObject({ why: 'grew' })
    await svc.idle()
    const st = svc.status({ countKernelWatches: true })
    expect(st.watchedDirs).toBe(5)
    if (linux) expect(st.inotifyWatches).toBe(5)
    await waitFor(() => requests.some((r) => r.includes(root)), 'a periodic rescan')
  })
})
