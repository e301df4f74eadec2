import { spawn } from 'node:child_process'
import { resolveTrustedProgram, trustedEnv, type TrustOptions } from './trusted-path'

export type ExecResult =
  Readonly<{ kind: 'ok'; stdout: string }> | Readonly<{ kind: 'failed'; message: string }>

/**
 * Runs a read-only system query (nvidia-smi, lsof, netstat, ps, tasklist) with no stdin, no
 * shell, a hard timeout and a cap on captured output. Used only by the production adapters,
 * never by locators directly.
 *
 * The program is looked up only in the trusted system folders (trusted-path.ts), never on PATH:
 * a default scan executes nothing the user's PATH or the scanned home could plant. The lookup
 * also spares a fork for programs most machines lack (nvidia-smi, above all; the fork costs the
 * calling thread whether or not the program exists, bench/startup-bench.mjs). The child gets the
 * trusted environment, not the user's, and runs from the file system root, not the caller's cwd.
 */
export function runQuery(
  command: string,
  args: readonly string[],
  opts: Readonly<{ timeoutMs?: number; maxBytes?: number; trust?: TrustOptions }> = {},
): Promise<ExecResult> {
  const program = resolveTrustedProgram(command, opts.trust)
  if (!program) {
    return Promise.resolve({
      kind: 'failed',
      message: `${command} is not installed in a trusted system folder`,
    })
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
      child = spawn(program, [...args], {
        stdio: ['ignore', 'pipe', 'ignore'],
        shell: false,
        windowsHide: true,
        env: trustedEnv(opts.trust),
        cwd: process.platform === 'win32' ? undefined : '/',
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
