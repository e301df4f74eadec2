import { spawn } from 'node:child_process'

/** How long a `--version` run may take before it is killed. */
export const VERSION_TIMEOUT_MS = 3000
const MAX_OUTPUT = 64 * 1024

/**
 * Runs `<bin> <arg>` only when the user opted in (`--run-versions`): no shell (argv goes to the
 * program verbatim), stdin closed, a timeout and an output cap. spawn rather than execFile
 * because execFile cannot start the child in its own process group: on POSIX the timeout kills
 * the whole group, so a wrapper script's children cannot outlive the scan. Returns the first
 * version-looking token, or undefined.
 */
export function runVersionCommand(bin: string, arg = '--version'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32'
    let out = ''
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      // llama.cpp prints a bare build number (`version: 4567 (abc123)`).
      const m =
        /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)\b/.exec(out) ??
        /version:\s*(\d+)/i.exec(out)
      resolve(m?.[1])
    }
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(bin, [arg], {
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        detached: posix,
      })
    } catch {
      resolve(undefined)
      return
    }
    const kill = (): void => {
      try {
        if (posix && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => {
      kill()
      out = ''
      finish()
    }, VERSION_TIMEOUT_MS)
    const collect = (b: Buffer): void => {
      if (out.length < MAX_OUTPUT) out += b.toString('utf8').slice(0, MAX_OUTPUT - out.length)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.on('error', () => {
      out = ''
      finish()
    })
    child.on('exit', () => {
      // Whatever the program left running in its group is not ours to keep.
      if (posix) kill()
      finish()
    })
  })
}
