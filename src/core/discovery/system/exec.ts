import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export type ExecResult =
  Readonly<{ kind: 'ok'; stdout: string }> | Readonly<{ kind: 'failed'; message: string }>

/**
 * Runs a read-only system query (nvidia-smi, lsof, netstat, ps, tasklist) with no stdin, no
 * shell, a hard timeout and a cap on captured output. Used only by the production adapters,
 * never by locators directly.
 */
export function runQuery(
  command: string,
  args: readonly string[],
  opts: Readonly<{ timeoutMs?: number; maxBytes?: number }> = {},
): Promise<ExecResult> {
  if (!mayBeOnPath(command)) {
    return Promise.resolve({ kind: 'failed', message: `${command} is not installed (not on PATH)` })
  }
  const timeoutMs = opts.timeoutMs ?? 5000
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024
  return new Promise((resolve) => {
    let settled = false
    const done = (r: ExecResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(command, [...args], {
        stdio: ['ignore', 'pipe', 'ignore'],
        shell: false,
        windowsHide: true,
      })
    } catch (e) {
      resolve({ kind: 'failed', message: String(e) })
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      done({ kind: 'failed', message: `${command} timed out after ${timeoutMs} ms` })
    }, timeoutMs)
    child.stdout?.on('data', (b: Buffer) => {
      if (size >= maxBytes) return
      chunks.push(b.subarray(0, maxBytes - size))
      size += b.length
    })
    child.on('error', (e) => done({ kind: 'failed', message: String(e) }))
    child.on('close', (code) => {
      if (code === 0) done({ kind: 'ok', stdout: Buffer.concat(chunks).toString('utf8') })
      else done({ kind: 'failed', message: `${command} exited with ${String(code)}` })
    })
  })
}

/**
 * Whether `command` (a bare name) is an executable file in one of PATH's folders. Asked first
 * because starting a process costs the calling thread a fork whether or not the program exists
 * (bench/startup-bench.mjs), and most machines lack some of these tools (nvidia-smi, above all).
 * True when PATH is unset or the command names a folder: the spawn then decides. The working
 * folder, where Windows would also look, is not searched: a program of that name planted there is
 * never run.
 */
export function mayBeOnPath(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  const path = platform === 'win32' ? (env.Path ?? env.PATH) : env.PATH
  if (!path || /[\\/]/.test(command)) return true
  const names =
    platform === 'win32' && !/\.[^.]+$/.test(command)
      ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').map((ext) => command + ext)
      : [command]
  for (const dir of path.split(platform === 'win32' ? ';' : delimiter)) {
    for (const name of names) {
      const candidate = join(dir || '.', name)
      try {
        if (!statSync(candidate).isFile()) continue
        if (platform !== 'win32') accessSync(candidate, constants.X_OK)
        return true
      } catch {
        // Not here.
      }
    }
  }
  return false
}
