import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../../..')
export const CLI = join(ROOT, 'out/cli/aiscout.js')

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => res(port))
    })
  })
}

export type ServerProcess = {
  url: string
  proc: ChildProcess
  /** Resolves with the exit signal or code when the process ends. */
  exited: Promise<string>
  kill(signal?: NodeJS.Signals): Promise<string>
}

const live = new Set<ChildProcess>()
/** Set by stopAllServerProcesses: supervisors must not start replacements any more. */
export let stoppingAll = false

/**
 * Kills every server process this test file started and is still running (afterAll: a failed or
 * timed-out test must not leave servers behind, nor let a supervisor restart them).
 */
export async function stopAllServerProcesses(): Promise<void> {
  stoppingAll = true
  await Promise.all(
    [...live].map(
      (p) =>
        new Promise<void>((res) => {
          if (p.exitCode !== null || p.signalCode !== null) return res()
          p.once('exit', () => res())
          p.kill('SIGKILL')
        }),
    ),
  )
}

/** Starts `aiscout server start` as a real process and waits until it prints its URL. */
export async function startServerProcess(opts: {
  port: number
  dataDir?: string
  databaseUrl?: string
  env?: Record<string, string>
  /** More `server start` flags. */
  args?: string[]
}): Promise<ServerProcess> {
  const args = [
    CLI,
    'server',
    'start',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
    ...(opts.args ?? []),
  ]
  if (opts.dataDir) args.push('--data', opts.dataDir)
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env }
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl
  else delete env.DATABASE_URL
  if (stoppingAll) throw new Error('test file is finishing: no new server processes')
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(proc)
  proc.once('exit', () => live.delete(proc))
  const exited = new Promise<string>((res) =>
    proc.once('exit', (code, sig) => res(sig ?? String(code))),
  )
  let out = ''
  let err = ''
  proc.stderr!.on('data', (c) => (err += c))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start: ${out}${err}`)), 30_000)
    proc.stdout!.on('data', (c) => {
      out += c
      const m = /listening on (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res(m[1]!)
      }
    })
    void exited.then((how) => {
      clearTimeout(timer)
      rej(new Error(`server exited (${how}) before listening: ${out}${err}`))
    })
  })
  return {
    url,
    proc,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exited
    },
  }
}
