import { spawn } from 'node:child_process'

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
