import { describe, expect, it } from 'vitest'
import { createAppEvents, watcherLine } from '../../src/main/app-events'
import type { EventChannel, IpcEvents } from '../../src/shared/ipc'

function setup() {
  const calls: string[] = []
  const pushed: Array<[EventChannel, unknown]> = []
  const send = createAppEvents({
    toWindow: (c, p) => pushed.push([c, p]),
    readLastFullScan: () => calls.push('last-full'),
    refreshStatus: () => calls.push('status'),
    scanSettingsChanged: () => calls.push('watcher-settings'),
    watcherChangedInventory: () => calls.push('sync'),
  })
  return { calls, pushed, send }
}

describe("main's fan-out of pushes to the window", () => {
  it('hands saved scan settings to the watcher, and every push to the window', () => {
    const t = setup()
    const p: IpcEvents['inventory:changed'] = { reason: 'settings' }
    t.send('inventory:changed', p)
    expect(t.pushed).toEqual([['inventory:changed', p]])
    expect(t.calls).toEqual(['last-full', 'watcher-settings'])
  })

  it("refreshes the status line and tells sync after the watcher's changes, not after the handlers' own", () => {
    const t = setup()
    t.send('inventory:changed', { reason: 'watcher', scanId: 's1', trigger: 'change' })
    expect(t.calls).toEqual(['last-full', 'status', 'sync'])
    t.calls.length = 0
    t.send('inventory:changed', { reason: 'scan' })
    expect(t.calls).toEqual(['last-full'])
    t.calls.length = 0
    t.send('watcher:status', { state: 'watching', folders: 3, budget: 8192, degraded: [] })
    expect(t.calls).toEqual(['status'])
    t.calls.length = 0
    t.send('inventory:changed', { reason: 'risk' })
    t.send('inventory:changed', { reason: 'clear' })
    expect(t.calls).toEqual(['last-full', 'last-full'])
    expect(t.pushed).toHaveLength(5)
  })
})

describe("the watcher's state in the status line", () => {
  it('says off, failed, paused, starting, watching and degraded', () => {
    const base = { folders: 4, budget: 8192, degraded: [] as string[] }
    expect(watcherLine({ ...base, state: 'off' })).toEqual({ state: 'off' })
    expect(watcherLine({ ...base, state: 'failed', message: 'boom' })).toEqual({
      state: 'off',
      detail: 'boom',
    })
    expect(watcherLine({ ...base, state: 'failed' }).detail).toBe('the watcher stopped')
    expect(watcherLine({ ...base, state: 'paused' })).toEqual({ state: 'paused' })
    expect(watcherLine({ ...base, state: 'starting' })).toEqual({
      state: 'watching',
      detail: 'starting',
    })
    expect(watcherLine({ ...base, state: 'watching' })).toEqual({ state: 'watching' })
    expect(watcherLine({ ...base, state: 'watching', degraded: ['/a', '/b'] })).toEqual({
      state: 'degraded',
      detail: '2 folder(s) rescanned periodically',
    })
  })
})
