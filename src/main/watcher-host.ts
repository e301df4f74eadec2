import { fork } from 'node:child_process'
import type { FromWatcher, ToWatcher, WatcherConfig } from './watcher-protocol'

/** A started watcher process, whatever started it (Electron's utilityProcess, or fork). */
export type ChildLink = Readonly<{
  send(m: ToWatcher): void
  onMessage(cb: (m: FromWatcher) => void): void
  onExit(cb: (code: number | null) => void): void
  kill(): void
  pid(): number | undefined
}>

/** A watcher process started with child_process.fork (plain Node: tests, development). */
export function forkLink(modulePath: string): ChildLink {
  const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return {
    send: (m) => {
      if (child.connected) child.send(m)
    },
    onMessage: (cb) => child.on('message', (m) => cb(m as FromWatcher)),
    onExit: (cb) => child.on('exit', (code) => cb(code)),
    kill: () => child.kill('SIGKILL'),
    pid: () => child.pid,
  }
}

export type WatcherHostOptions = Readonly<{
  spawn(): ChildLink
  onMessage(m: FromWatcher): void
  /** Restarts after unexpected exits, at most this many within `restartWindowMs` (default 3 / 10 min). */
  maxRestarts?: number
  restartWindowMs?: number
  /** How long stop() waits for a clean exit before killing (default 10 s). */
  stopTimeoutMs?: number
}>

export type WatcherHost = Readonly<{
  start(config: WatcherConfig): void
  send(m: Exclude<ToWatcher, { type: 'start' | 'stop' }>): void
  /** Runs a background full scan there; resolves with its outcome. */
  fullScan(): Promise<'complete' | 'interrupted' | 'failed'>
  running(): boolean
  pid(): number | undefined
  /** Stops the watcher process and waits for it to exit (killed after a timeout). */
  stop(): Promise<void>
}>

/**
 * Electron main's handle on the watcher process: starts it, forwards settings and commands,
 * restarts it after a crash (a few times, then reports it failed), and stops it on quit so no
 * process outlives the app.
 */
export function createWatcherHost(o: WatcherHostOptions): WatcherHost {
  let link: ChildLink | undefined
  let config: WatcherConfig | undefined
  let stopping = false
  let exited: Promise<void> = Promise.resolve()
  const restarts: number[] = []
  const waiting: Array<(o: 'complete' | 'interrupted' | 'failed') => void> = []

  const launch = (): void => {
    const l = o.spawn()
    link = l
    let resolveExit!: () => void
    exited = new Promise<void>((r) => (resolveExit = r))
    l.onMessage((m) => {
      if (m.type === 'full-scan-done') for (const w of waiting.splice(0)) w(m.outcome)
      o.onMessage(m)
    })
    l.onExit((code) => {
      resolveExit()
      if (link === l) link = undefined
      for (const w of waiting.splice(0)) w('failed')
      if (stopping) return
      const now = Date.now()
      const window = o.restartWindowMs ?? 10 * 60_000
      while (restarts.length && now - restarts[0]! > window) restarts.shift()
      if (restarts.length >= (o.maxRestarts ?? 3)) {
        o.onMessage({
          type: 'report',
          report: {
            state: 'failed',
            folders: 0,
            budget: config?.budget ?? 0,
            degraded: [],
            open: { critical: 0, high: 0 },
            message: `the watcher process exited (code ${code}) too often; restart AI Scout to try again`,
          },
        })
        return
      }
      restarts.push(now)
      o.onMessage({
        type: 'log',
        level: 'warn',
        message: `the watcher process exited (code ${code}); restarting it`,
      })
      launch()
      if (config) link?.send({ type: 'start', config })
    })
  }

  return {
    start(c) {
      config = c
      stopping = false
      if (!link) launch()
      link!.send({ type: 'start', config: c })
    },
    send(m) {
      if (m.type === 'configure') config = m.config
      link?.send(m)
    },
    fullScan() {
      if (!link) return Promise.resolve('failed')
      const done = new Promise<'complete' | 'interrupted' | 'failed'>((r) => waiting.push(r))
      link.send({ type: 'full-scan' })
      return done
    },
    running: () => link !== undefined,
    pid: () => link?.pid(),
    async stop() {
      stopping = true
      const l = link
      if (!l) return
      l.send({ type: 'stop' })
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), o.stopTimeoutMs ?? 10_000)
      })
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        l.kill()
        await exited
      }
      clearTimeout(timer)
    },
  }
}
