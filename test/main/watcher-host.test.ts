import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createWatcherHost, forkLink } from '../../src/main/watcher-host'
import type { WatcherHost } from '../../src/main/watcher-host'
import type { FromWatcher, WatcherConfig, WatcherReport } from '../../src/main/watcher-protocol'
import { maliciousPickle, safetensors, write } from '../fixtures/generators/fake-home'
import { isAlive, waitFor } from '../helpers/wait'

const ROOT = resolve(__dirname, '../..')
const PROCESS = join(ROOT, 'out/main/watcher-process.js')

function fakeHome(): { home: string; config: WatcherConfig } {
  const work = mkdtempSync(join(tmpdir(), 'watcher-host-'))
  const home = join(work, 'home')
  write(join(home, 'models', 'a.safetensors'), safetensors())
  mkdirSync(join(home, 'Downloads'))
  return {
    home,
    config: {
      dbPath: join(work, 'inventory.db'),
      home,
      roots: [],
      exclude: [],
      hash: true,
      quiet: false,
    },
  }
}

beforeAll(() => {
  if (!existsSync(PROCESS))
    throw new Error('out/main/watcher-process.js is missing: run `npm run build` first')
})

describe('the watcher process, driven by its host (real child process)', () => {
  const hosts: WatcherHost[] = []
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop()
  })
  const host = () => {
    const messages: FromWatcher[] = []
    const h = createWatcherHost({
      spawn: () => forkLink(PROCESS),
      onMessage: (m) => messages.push(m),
    })
    hosts.push(h)
    const reports = (): WatcherReport[] =>
      messages.flatMap((m) => (m.type === 'report' ? [m.report] : []))
    const last = (): WatcherReport | undefined => reports().at(-1)
    return { h, messages, reports, last }
  }

  it('scans a new inventory once, watches, notifies a malicious pickle, pauses, resumes, scans on schedule and stops without a trace', async () => {
    const { home, config } = fakeHome()
    const t = host()
    t.h.start(config)
    await waitFor(() => t.last()?.state === 'watching', 'watching', 60_000)
    const pid = t.h.pid()!
    expect(t.last()).toMatchObject({ open: { critical: 0, high: 0 }, degraded: [] })
    expect(t.last()!.folders).toBeGreaterThan(0)
    expect(t.last()!.lastScanAt).toBeDefined()

    const evil = join(home, 'Downloads', 'evil.pkl')
    writeFileSync(evil, maliciousPickle())
    const notices = await waitFor(
      () => t.messages.find((m) => m.type === 'notices'),
      'a notice',
      60_000,
    )
    expect(notices.type === 'notices' && notices.notices[0]).toMatchObject({
      urgency: 'critical',
      open: { kind: 'finding' },
    })
    expect(notices.type === 'notices' && notices.notices[0]!.body).toContain(evil)
    expect(t.messages.some((m) => m.type === 'changed' && m.change.findings.opened > 0)).toBe(true)
    await waitFor(() => (t.last()?.open.critical ?? 0) > 0, 'the open count')

    t.h.send({ type: 'pause', until: undefined })
    await waitFor(() => t.last()?.state === 'paused', 'paused')
    t.h.send({ type: 'resume' })
    await waitFor(() => t.last()?.state === 'watching', 'resumed')

    expect(await t.h.fullScan()).toBe('complete')
    // The same finding is not notified twice.
    expect(t.messages.filter((m) => m.type === 'notices')).toHaveLength(1)

    await t.h.stop()
    expect(t.messages.at(-1)).toEqual({ type: 'stopped' })
    expect(isAlive(pid)).toBe(false)
  }, 180_000)

  it('restarts the process after a crash', async () => {
    const { config } = fakeHome()
    const t = host()
    t.h.start(config)
    await waitFor(() => t.last()?.state === 'watching', 'watching', 60_000)
    const first = t.h.pid()!
    process.kill(first, 'SIGKILL')
    await waitFor(() => t.h.pid() !== undefined && t.h.pid() !== first, 'a new process')
    const n = t.reports().length
    await waitFor(
      () => t.reports().length > n && t.last()?.state === 'watching',
      'watching again',
      60_000,
    )
    expect(t.messages.some((m) => m.type === 'log' && m.message.includes('restarting'))).toBe(true)
  }, 180_000)

  it('exits by itself when its parent dies (no orphan)', async () => {
    const { config } = fakeHome()
    // A parent that starts the watcher, prints its pid once it watches, then is killed.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { fork } = require('node:child_process')
         const c = fork(${JSON.stringify(PROCESS)}, [], { stdio: 'ignore' })
         c.on('message', (m) => { if (m.type === 'report' && m.report.state === 'watching') { process.stdout.write(String(c.pid) + '\\n'); process.kill(process.pid, 'SIGKILL') } })
         c.send({ type: 'start', config: ${JSON.stringify(config)} })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise((r) => parent.on('exit', r))
    const pid = Number(out.trim())
    expect(pid).toBeGreaterThan(0)
    await waitFor(() => !isAlive(pid), 'the orphan to exit', 30_000)
  }, 120_000)
})
