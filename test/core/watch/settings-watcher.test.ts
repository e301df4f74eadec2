import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  countInotifyWatches,
  createSettingsWatcher,
  openDb,
  readSettings,
  scan,
  settingsRescanPaths,
  watchScanOptions,
  writeSettingsSection,
} from '../../../src/core'
import type { Db, ScanSummary, SettingsWatcher } from '../../../src/core'
import { ggufBytes, safetensorsBytes } from '../../fixtures/generators/homes/stores-files'
import { fakeHomeScanOptions } from '../../helpers/scan-options'
import { sleep, waitFor } from '../../helpers/wait'

type AssetRow = { path: string; status: string; verdict: string | null }

/** A home, and a project drive outside it with a model, a skipped folder and 12 subfolders. */
function setUp(): { home: string; drive: string; db: Db; dbPath: string } {
  const work = mkdtempSync(join(tmpdir(), 'settings-watch-'))
  const home = join(work, 'home')
  mkdirSync(join(home, 'Downloads'), { recursive: true })
  const drive = join(work, 'drive')
  mkdirSync(join(drive, 'ckpt'), { recursive: true })
  writeFileSync(join(drive, 'ckpt', 'old.safetensors'), safetensorsBytes('old'))
  mkdirSync(join(drive, 'scratch'))
  writeFileSync(join(drive, 'scratch', 'tmp.gguf'), ggufBytes('tmp'))
  for (let i = 0; i < 12; i++) mkdirSync(join(drive, 'runs', `r${i}`), { recursive: true })
  const dbPath = join(work, 'inventory.db')
  return { home, drive, db: openDb(dbPath), dbPath }
}

describe("the watcher follows the user's settings stored in the inventory", () => {
  let watcher: SettingsWatcher | undefined
  let db: Db | undefined
  afterEach(async () => {
    await watcher?.stop()
    db?.close()
    watcher = db = undefined
  })

  const start = async (
    s: ReturnType<typeof setUp>,
    budget?: number,
  ): Promise<{ scans: ScanSummary[] }> => {
    const scans: ScanSummary[] = []
    await scan(s.db, watchScanOptions(s.db, fakeHomeScanOptions(s.home)))
    watcher = createSettingsWatcher({
      db: s.db,
      dbPath: s.dbPath,
      base: fakeHomeScanOptions(s.home),
      budget,
      checkEveryMs: 100,
      settle: { quietMs: 150 },
      onEvent: (e) => {
        if (e.type === 'scanned') scans.push(e.result)
      },
    })
    await watcher.start()
    return { scans }
  }
  const asset = (d: Db, path: string): AssetRow | undefined =>
    d.prepare(`SELECT path, status, verdict FROM assets WHERE path = ?`).get(path) as
      AssetRow | undefined
  const rootTarget = (path: string) =>
    watcher!.status().targets.find((t) => t.target.reason === 'root' && t.target.path === path)

  it('watches a root added in Settings (no restart), finds what is in it and what is dropped there; an excluded folder is neither watched nor kept', async () => {
    const s = setUp()
    db = s.db
    await start(s)
    expect(rootTarget(s.drive)).toBeUndefined()
    expect(asset(s.db, join(s.drive, 'ckpt', 'old.safetensors'))).toBeUndefined()

    // Saved by another connection's writer, as the app's database worker does: the watcher
    // notices the changed settings by itself.
    writeSettingsSection(s.db, 'scan', { ...readSettings(s.db).scan, roots: [s.drive] })
    await waitFor(() => rootTarget(s.drive)?.state.kind === 'watched', 'the new root watched')
    // What was in the root already is found by the settings rescan.
    await waitFor(
      () => asset(s.db, join(s.drive, 'ckpt', 'old.safetensors'))?.status === 'present',
      'the model already in the root',
    )
    expect(asset(s.db, join(s.drive, 'scratch', 'tmp.gguf'))?.status).toBe('present')
    // drive, ckpt, scratch, runs and its 12 folders.
    expect(rootTarget(s.drive)!.state).toEqual({ kind: 'watched', dirs: 16 })

    const dropped = join(s.drive, 'runs', 'r3', 'new.gguf')
    writeFileSync(dropped, ggufBytes('new'))
    await waitFor(() => asset(s.db, dropped)?.status === 'present', 'a file dropped in the root')
    expect(asset(s.db, dropped)!.verdict).toBe('safe')

    // Skip a folder: it is unwatched and what the inventory had there goes.
    await watcher!.idle()
    writeSettingsSection(s.db, 'scan', {
      ...readSettings(s.db).scan,
      exclude: ['**/scratch'],
    })
    await waitFor(
      () => asset(s.db, join(s.drive, 'scratch', 'tmp.gguf'))?.status === 'gone',
      "the skipped folder's model gone",
    )
    await waitFor(() => {
      const st = rootTarget(s.drive)?.state
      return st?.kind === 'watched' && st.dirs === 15
    }, 'the skipped folder unwatched')
    expect(watcher!.options().exclude).toEqual(['**/scratch'])
    await watcher!.idle()
    const n = countInotifyWatches()
    if (n !== undefined) expect(n).toBeLessThanOrEqual(watcher!.status().watchedDirs)
    const hidden = join(s.drive, 'scratch', 'hidden.gguf')
    writeFileSync(hidden, ggufBytes('hidden'))
    // A folder that is watched, as a witness that events still flow.
    const seen = join(s.drive, 'ckpt', 'seen.gguf')
    writeFileSync(seen, ggufBytes('seen'))
    await waitFor(() => asset(s.db, seen)?.status === 'present', 'the witness')
    await watcher!.idle()
    expect(asset(s.db, hidden)).toBeUndefined()

    // Remove the root: it is no longer watched and its models go.
    writeSettingsSection(s.db, 'scan', { ...readSettings(s.db).scan, roots: [] })
    await waitFor(() => rootTarget(s.drive) === undefined, 'the root unwatched')
    await waitFor(
      () => asset(s.db, join(s.drive, 'ckpt', 'old.safetensors'))?.status === 'gone',
      "the removed root's model gone",
    )
  })

  it('keeps the watches it holds within the budget when a saved root is too big for it', async () => {
    const s = setUp()
    db = s.db
    await start(s, 6)
    writeSettingsSection(s.db, 'scan', { ...readSettings(s.db).scan, roots: [s.drive] })
    await waitFor(() => rootTarget(s.drive)?.state.kind === 'degraded', 'the root degraded')
    await watcher!.idle()
    const st = watcher!.status({ countKernelWatches: true })
    expect(st.watchedDirs).toBeLessThanOrEqual(6)
    if (st.inotifyWatches !== undefined) expect(st.inotifyWatches).toBeLessThanOrEqual(6)
    // Degraded, not forgotten: the settings rescan still inventoried the root.
    await waitFor(
      () => asset(s.db, join(s.drive, 'ckpt', 'old.safetensors'))?.status === 'present',
      'the model in the degraded root',
    )
  })

  it('stays paused across a change of settings and rescans the new root on resume', async () => {
    const s = setUp()
    db = s.db
    const { scans } = await start(s)
    await watcher!.idle()
    scans.length = 0
    await watcher!.pause()
    writeSettingsSection(s.db, 'scan', { ...readSettings(s.db).scan, roots: [s.drive] })
    expect(await watcher!.reload()).toBe(true)
    expect(watcher!.status().state).toBe('paused')
    if (countInotifyWatches() !== undefined) expect(countInotifyWatches()).toBe(0)
    await sleep(300)
    expect(scans).toHaveLength(0)
    await watcher!.resume()
    await waitFor(
      () => asset(s.db, join(s.drive, 'ckpt', 'old.safetensors'))?.status === 'present',
      'the root scanned on resume',
    )
    // Settings that change nothing for the watcher (a rewrite of the same values) do not re-plan.
    writeSettingsSection(s.db, 'scan', readSettings(s.db).scan)
    expect(await watcher!.reload()).toBe(false)
  })
})

describe('a saved root that is not there yet', () => {
  it('is watched and scanned once it appears (a drive plugged in), with no new save', async () => {
    const s = setUp()
    const later = join(s.drive, '..', 'usb')
    writeSettingsSection(s.db, 'scan', { ...readSettings(s.db).scan, roots: [later] })
    const base = fakeHomeScanOptions(s.home)
    await scan(s.db, watchScanOptions(s.db, base))
    const w = createSettingsWatcher({
      db: s.db,
      dbPath: s.dbPath,
      base,
      checkEveryMs: 100,
      settle: { quietMs: 150 },
    })
    try {
      await w.start()
      expect(w.options().roots).toEqual([])
      mkdirSync(join(later, 'models'), { recursive: true })
      writeFileSync(join(later, 'models', 'm.gguf'), ggufBytes('m'))
      await waitFor(
        () =>
          (
            s.db
              .prepare(`SELECT status FROM assets WHERE path = ?`)
              .get(join(later, 'models', 'm.gguf')) as { status: string } | undefined
          )?.status === 'present',
        'the model on the root that appeared',
      )
      expect(w.options().roots).toEqual([later])
    } finally {
      await w.stop()
      s.db.close()
    }
  })
})

describe('settingsRescanPaths', () => {
  it('rescans added and removed roots, the highest newly skipped folders, and every root when a skip is removed', async () => {
    const s = setUp()
    try {
      const base = { ...fakeHomeScanOptions(s.home), roots: [s.drive] }
      await scan(s.db, base)
      expect(settingsRescanPaths(s.db, base, { ...base, roots: [] })).toEqual([s.drive])
      expect(
        settingsRescanPaths(s.db, base, { ...base, exclude: ['**/ckpt', '*.gguf'] }).slice(),
      ).toEqual([join(s.drive, 'ckpt'), join(s.drive, 'scratch', 'tmp.gguf')].sort())
      expect(settingsRescanPaths(s.db, { ...base, exclude: ['**/ckpt'] }, base).slice()).toEqual(
        [s.drive, s.home].sort(),
      )
      expect(settingsRescanPaths(s.db, base, { ...base, hash: false })).toEqual([])
    } finally {
      s.db.close()
    }
  })
})
