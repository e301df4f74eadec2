import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { countInotifyWatches, createWatchService } from '../../../src/core/watch'
import type {
  WatchScanRequest,
  WatchService,
  WatchServiceOptions,
  WatchTarget,
} from '../../../src/core/watch'
import { sleep, waitFor } from '../../helpers/wait'

const linux = process.platform === 'linux'

/** A service over fixed targets whose rescans only record what they were asked to look at. */
function recorder(
  targets: readonly WatchTarget[],
  extra: Partial<WatchServiceOptions<number>> = {},
) {
  const requests: WatchScanRequest[] = []
  const events: string[] = []
  const svc = createWatchService<number>({
    plan: () => targets,
    runScan: async (r) => {
      requests.push(r)
      return requests.length
    },
    settle: { quietMs: 80 },
    onEvent: (e) => {
      if (e.type === 'target') events.push(`${e.state.kind}:${e.target.path}`)
      if (e.type === 'error') events.push(`error:${e.message}`)
    },
    ...extra,
  })
  const scanned = (): string[] => requests.flatMap((r) => r.paths)
  /** Whether `p` is at or under a path some rescan covered. */
  const covered = (p: string): boolean => scanned().some((s) => p === s || p.startsWith(s + sep))
  return { svc, requests, events, scanned, covered }
}

const tree = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), `${name}-`))
  return d
}

describe('watch service (real folders, real events)', () => {
  const services: WatchService[] = []
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop()
  })
  const start = async (r: ReturnType<typeof recorder>) => {
    services.push(r.svc)
    await r.svc.start()
    return r
  }

  it('rescans a file created, written and deleted in a watched folder, and folders made later', async () => {
    const root = tree('root')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }]))
    const f = join(root, 'new.gguf')
    writeFileSync(f, 'gguf')
    await waitFor(() => r.covered(f), 'the new file rescanned')
    // A folder created after the start is watched too.
    mkdirSync(join(root, 'a', 'b'), { recursive: true })
    await waitFor(() => r.covered(join(root, 'a')), 'the new folder rescanned')
    await r.svc.idle()
    const deep = join(root, 'a', 'b', 'deep.safetensors')
    writeFileSync(deep, 'x')
    await waitFor(() => r.covered(deep), 'a file in the new folder rescanned')
    rmSync(f)
    const before = r.requests.length
    await waitFor(() => r.requests.slice(before).some((q) => q.paths.includes(f)), 'the deletion')
    expect(r.requests.every((q) => q.reason === 'change')).toBe(true)
  })

  it('watches a folder alone at depth 0 and one level down at depth 1', async () => {
    const root = tree('depth')
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true })
    const alone = await start(recorder([{ path: root, reason: 'location', depth: 0, source: 't' }]))
    expect(alone.svc.status().watchedDirs).toBe(1)
    if (linux) expect(countInotifyWatches()).toBe(1)
    // A folder appearing in it is reported (as a whole) but not watched.
    mkdirSync(join(root, 'new'))
    await waitFor(() => alone.covered(join(root, 'new')), 'the new folder')
    await alone.svc.idle()
    expect(alone.svc.status().watchedDirs).toBe(1)
    await alone.svc.stop()
    const one = await start(
      recorder([{ path: root, reason: 'drop-folder', depth: 1, source: 't' }]),
    )
    expect(one.svc.status().watchedDirs).toBe(3)
    if (linux) expect(countInotifyWatches()).toBe(3)
    const inA = join(root, 'a', 'x.gguf')
    writeFileSync(inA, 'x')
    await waitFor(() => one.covered(inA), 'a file one level down')
    // Two levels down is beyond the watch: not seen (the rescan of the drop folder's parent
    // folders or the periodic full scan finds it).
    writeFileSync(join(root, 'a', 'b', 'deep.gguf'), 'x')
    const marker = join(root, 'marker.txt')
    writeFileSync(marker, 'x')
    await waitFor(() => one.covered(marker), 'the marker')
    await one.svc.idle()
    expect(one.covered(join(root, 'a', 'b', 'deep.gguf'))).toBe(false)
  })

  it('keeps out of pruned folders and ignores the paths it is told to', async () => {
    const root = tree('pruned')
    mkdirSync(join(root, 'node_modules', 'x'), { recursive: true })
    mkdirSync(join(root, 'src'))
    const db = join(root, 'inventory.db')
    const r = await start(
      recorder([{ path: root, reason: 'root', source: 'test' }], {
        ignorePath: (p) => p.startsWith(db),
      }),
    )
    expect(r.svc.status().watchedDirs).toBe(2)
    writeFileSync(join(root, 'node_modules', 'x', 'm.pkl'), 'x')
    writeFileSync(`${db}-wal`, 'x')
    writeFileSync(join(root, 'src', 'marker.pt'), 'x')
    await waitFor(() => r.covered(join(root, 'src', 'marker.pt')), 'the marker')
    await r.svc.idle()
    expect(r.scanned().some((p) => p.includes('node_modules') || p.startsWith(db))).toBe(false)
  })

  it('gives each rescan its own signal (listeners the engine leaves do not pile up on one), aborted when the service stops', async () => {
    const root = tree('signals')
    const signals: AbortSignal[] = []
    let release: (() => void) | undefined
    const r = await start(
      recorder([{ path: root, reason: 'root', source: 'test' }], {
        runScan: async (_req, signal) => {
          signals.push(signal)
          // As the engine's analysis pool does: a listener it never removes.
          signal.addEventListener('abort', () => undefined, { once: true })
          if (signals.length === 3) await new Promise<void>((res) => (release = res))
          return signals.length
        },
      }),
    )
    for (let i = 0; i < 2; i++) {
      writeFileSync(join(root, `f${i}.gguf`), 'x')
      await waitFor(() => signals.length > i, `rescan ${i + 1}`)
      await r.svc.idle()
    }
    expect(new Set(signals).size).toBe(2)
    expect(signals.some((x) => x.aborted)).toBe(false)
    writeFileSync(join(root, 'slow.gguf'), 'x')
    await waitFor(() => signals.length === 3, 'a third rescan, still running')
    const stopped = r.svc.stop()
    await waitFor(() => signals[2]!.aborted, 'the running rescan aborted on stop')
    release?.()
    await stopped
    expect(signals[0]!.aborted || signals[1]!.aborted).toBe(false)
  })

  it('coalesces a burst of 10,000 file creations into a few rescans covering every file', async () => {
    const root = tree('burst')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }]))
    const files: string[] = []
    for (let i = 0; i < 10_000; i++) {
      const d = join(root, `d${i % 10}`)
      if (i < 10) mkdirSync(d)
      const f = join(d, `f${i}.bin`)
      writeFileSync(f, 'x')
      files.push(f)
    }
    await waitFor(() => files.every(r.covered), 'every file covered', 60_000)
    await r.svc.idle()
    expect(r.requests.length).toBeLessThan(20)
    // Each rescan names distinct paths (no path twice in one scope).
    for (const q of r.requests) expect(new Set(q.paths).size).toBe(q.paths.length)
  })

  it('pausing releases every watch and stops events; resuming rescans what changed meanwhile', async () => {
    const root = tree('pause')
    mkdirSync(join(root, 'keep'))
    mkdirSync(join(root, 'untouched'))
    writeFileSync(join(root, 'untouched', 'old.bin'), 'x')
    const doomed = join(root, 'keep', 'doomed.gguf')
    writeFileSync(doomed, 'x')
    await sleep(2100)
    // The inventory knew the doomed model and the untouched file.
    const known = [doomed, join(root, 'untouched', 'old.bin')]
    const r = await start(
      recorder([{ path: root, reason: 'root', source: 'test' }], {
        knownPaths: () => (d) =>
          known.filter((k) => k.startsWith(d + sep) && !k.slice(d.length + 1).includes(sep)),
      }),
    )
    if (linux) expect(countInotifyWatches()).toBe(3)
    await r.svc.pause()
    expect(r.svc.status().state).toBe('paused')
    expect(r.svc.status().watchedDirs).toBe(0)
    if (linux) expect(countInotifyWatches()).toBe(0)
    await sleep(50)
    const added = join(root, 'keep', 'added.safetensors')
    writeFileSync(added, 'x')
    mkdirSync(join(root, 'newdir'))
    writeFileSync(join(root, 'newdir', 'm.gguf'), 'x')
    rmSync(doomed)
    await sleep(500)
    expect(r.requests).toEqual([])
    await r.svc.resume()
    await waitFor(() => r.requests.length > 0, 'the resume rescan')
    await r.svc.idle()
    expect(r.requests[0]!.reason).toBe('resume')
    expect(r.covered(added)).toBe(true)
    expect(r.covered(join(root, 'newdir', 'm.gguf'))).toBe(true)
    expect(r.covered(doomed)).toBe(true)
    // A folder where nothing changed is not rescanned.
    expect(r.covered(join(root, 'untouched', 'old.bin'))).toBe(false)
    if (linux) expect(countInotifyWatches()).toBe(4)
  })

  it('pausing for a while resumes by itself', async () => {
    const root = tree('pause-until')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }]))
    await r.svc.pause(Date.now() + 300)
    expect(r.svc.status().pausedUntil).toBeGreaterThan(0)
    await waitFor(() => r.svc.status().state === 'watching', 'resumed')
    const f = join(root, 'later.pkl')
    writeFileSync(f, 'x')
    await waitFor(() => r.covered(f), 'events again')
  })

  it('holds rescans while a full scan runs elsewhere and runs them on release', async () => {
    const root = tree('hold')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }]))
    r.svc.hold()
    const f = join(root, 'held.bin')
    writeFileSync(f, 'x')
    await sleep(600)
    expect(r.requests).toEqual([])
    r.svc.release()
    await waitFor(() => r.covered(f), 'released rescan')
  })

  it('catches up at start with what changed since the last scan', async () => {
    const root = tree('since')
    writeFileSync(join(root, 'before.bin'), 'x')
    await sleep(2100)
    const since = Date.now()
    // Timestamps within two seconds of `since` count as changed: age the old file beyond that.
    const { utimesSync } = await import('node:fs')
    utimesSync(join(root, 'before.bin'), new Date(since - 60_000), new Date(since - 60_000))
    utimesSync(root, new Date(since - 60_000), new Date(since - 60_000))
    writeFileSync(join(root, 'after.bin'), 'x')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }], { since }))
    await waitFor(() => r.requests.length > 0, 'catch-up')
    expect(r.requests[0]!.reason).toBe('catch-up')
    expect(r.covered(join(root, 'after.bin'))).toBe(true)
  })

  it('renames into a watched folder are seen under their new name', async () => {
    const outside = tree('outside')
    const root = tree('inside')
    const r = await start(recorder([{ path: root, reason: 'root', source: 'test' }]))
    const src = join(outside, 'model.safetensors')
    writeFileSync(src, 'x')
    const dst = join(root, 'model.safetensors')
    renameSync(src, dst)
    await waitFor(() => r.covered(dst), 'renamed file')
  })
})

describe('digests left for later', () => {
  it('run after changes, and a digest being computed gives way to a change and starts again after it', async () => {
    const log: string[] = []
    let release: (() => void) | undefined
    const svc = createWatchService<string>({
      plan: () => [],
      runScan: (r, signal) => {
        log.push(`start ${r.reason} ${r.paths.join(',')}`)
        if (r.reason !== 'digest' || release === undefined)
          return Promise.resolve(`done ${r.reason}`)
        // A long digest: it ends only when it is aborted (an interrupted rescan) or released.
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve('interrupted'), { once: true })
          const r0 = release!
          release = () => {
            r0()
            resolve('done digest')
          }
        })
      },
      onEvent: (e) => {
        if (e.type === 'scanned') log.push(`scanned ${e.request.reason} ${e.result}`)
      },
    })
    try {
      await svc.start()
      release = () => undefined
      svc.rescan(['/big.safetensors'], 'digest')
      await waitFor(() => log.includes('start digest /big.safetensors'), 'the digest running')
      svc.rescan(['/new.gguf'], 'change')
      await waitFor(() => log.includes('scanned change done change'), 'the change scanned')
      await waitFor(
        () => log.filter((l) => l === 'start digest /big.safetensors').length === 2,
        'the digest again',
      )
      release()
      await svc.idle()
      expect(log).toEqual([
        'start digest /big.safetensors',
        'start change /new.gguf',
        'scanned change done change',
        'start digest /big.safetensors',
        'scanned digest done digest',
      ])
      // Queued together, the change goes first and the digest waits for its own rescan.
      log.length = 0
      release = undefined
      svc.hold()
      svc.rescan(['/a.bin'], 'digest')
      svc.rescan(['/b.gguf'], 'change')
      svc.release()
      await svc.idle()
      expect(log).toEqual([
        'start change /b.gguf',
        'scanned change done change',
        'start digest /a.bin',
        'scanned digest done digest',
      ])
    } finally {
      await svc.stop()
    }
  })
})
