import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { parse } from 'node:path'
import { trustedEnv, type TrustOptions } from './trusted-path'

export type SiQuery = 'graphics' | 'cpu' | 'osInfo' | 'battery'

/**
 * The child's script (exported for its test). systeminformation starts its probes through a
 * shell by bare name (lspci, clinfo, xdpyinfo, xrandr on Linux; system_profiler, sysctl on
 * macOS) and nvidia-smi by bare name on Linux, so they are found through the PATH of the process
 * that runs it: that is why it runs in a child process with the trusted environment (a worker
 * thread would share this process's environment, the user's PATH). On Linux graphics() also runs
 * `dmidecode -t 9` for every lspci answer, only to tell onboard from slot GPUs, and cpu() (asked
 * only where /proc/cpuinfo names no model) `dmidecode -t 4/-t 7` for the socket and caches;
 * dmidecode reads firmware tables (root only) and is refused here, through the library's exec and
 * execSync (taken from child_process when it loads, hence patched first), so no scan spawns it.
 * The refusal looks to the library like a failing dmidecode, which it already handles (those
 * facts stay empty).
 */
export const SI_CHILD_SCRIPT = `
const cp = require('node:child_process')
const refused = (cmd) => /\\bdmidecode\\b/.test(String(cmd))
const execSync = cp.execSync
cp.execSync = function (cmd, ...rest) {
  if (refused(cmd)) throw new Error('dmidecode is not run by aiscout')
  return execSync.call(this, cmd, ...rest)
}
const exec = cp.exec
cp.exec = function (cmd, ...rest) {
  if (!refused(cmd)) return exec.call(this, cmd, ...rest)
  const callback = rest.find((a) => typeof a === 'function')
  if (callback) process.nextTick(callback, new Error('dmidecode is not run by aiscout'), '', '')
  return new (require('node:events'))()
}
const [siPath, query] = process.argv.slice(-2)
const answer = (m) => process.stdout.write(JSON.stringify(m), () => process.exit(0))
require(siPath)[query]().then(
  (v) => answer({ ok: true, v }),
  (e) => answer({ ok: false, error: String((e && e.message) || e) }),
)
`

/**
 * Whether the machine runs on battery now, for the desktop app's schedule: systeminformation's
 * battery() asks `ioreg` on macOS and PowerShell on Windows by bare name, so it goes through the
 * same trusted child as the scan's probes. Unknown (no battery, a failed query) is mains.
 */
export async function onBatteryPower(): Promise<boolean> {
  const b = await siQueryInChild<{ hasBattery?: boolean; acConnected?: boolean }>('battery', {
    timeoutMs: 15_000,
  }).catch(() => undefined)
  return b?.hasBattery === true && b.acConnected === false
}

/**
 * Runs one systeminformation query (graphics, cpu, osInfo, battery) in a short-lived child Node process
 * with the trusted environment (trusted-path.ts: PATH holds only root-owned system folders) and
 * the file system root as its working folder, so that no program the user's PATH or the scanned
 * home could plant is ever run. Loading the library (about 30 ms) and its probes also stay off
 * the scan's thread. Rejects if the child cannot start, dies, times out or answers more than
 * `maxBytes`; the caller then goes without those facts (it never retries on its own thread, which
 * would run the probes with the user's PATH).
 */
export function siQueryInChild<T>(
  query: SiQuery,
  opts: Readonly<{
    timeoutMs?: number
    maxBytes?: number
    siPath?: string
    trust?: TrustOptions
  }> = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000
  const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024
  const siPath = opts.siPath ?? createRequire(__filename).resolve('systeminformation')
  return new Promise<T>((resolve, reject) => {
    let child: ReturnType<typeof spawn>
    try {
      // process.execPath is the Node (or Electron, run as Node) already running this code: it
      // adds no program the scan did not already trust.
      child = spawn(process.execPath, ['-e', SI_CHILD_SCRIPT, '--', siPath, query], {
        stdio: ['ignore', 'pipe', 'ignore'],
        shell: false,
        windowsHide: true,
        env: { ...trustedEnv(opts.trust), ELECTRON_RUN_AS_NODE: '1' },
        cwd: parse(process.cwd()).root || '/',
      })
    } catch (e) {
      reject(e as Error)
      return
    }
    let settled = false
    const chunks: Buffer[] = []
    let size = 0
    const settle = (err: Error | undefined, value?: T): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (child.exitCode === null) child.kill('SIGKILL')
      if (err) reject(err)
      else resolve(value as T)
    }
    const timer = setTimeout(
      () => settle(new Error(`systeminformation ${query} timed out`)),
      timeoutMs,
    )
    timer.unref()
    child.stdout?.on('data', (b: Buffer) => {
      size += b.length
      if (size > maxBytes) settle(new Error(`systeminformation ${query} answered too much`))
      else chunks.push(b)
    })
    child.on('error', (e) => settle(e))
    child.on('close', (code) => {
      try {
        const m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          ok: boolean
          v?: T
          error?: string
        }
        if (m.ok) settle(undefined, m.v)
        else settle(new Error(m.error ?? `systeminformation ${query} failed`))
      } catch {
        settle(new Error(`systeminformation ${query} child exited (${String(code)})`))
      }
    })
  })
}
