import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb, scan } from '../../../../src/core'
import { runQuery } from '../../../../src/core/discovery/system/exec'
import { onBatteryPower, SI_CHILD_SCRIPT } from '../../../../src/core/discovery/system/si-worker'
import { createSystemInfoPort } from '../../../../src/core/discovery/system/system-info'
import {
  isTrustedDir,
  resolveTrustedProgram,
  rootOnlyWritable,
  systemProgramDirs,
  trustedEnv,
} from '../../../../src/core/discovery/system/trusted-path'

const posix = process.platform !== 'win32'

describe('trusted system program lookup', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'aiscout-trusted-'))
  const bin = join(tmp, 'bin')
  mkdirSync(bin)
  chmodSync(bin, 0o755)
  writeFileSync(join(bin, 'lspci'), '#!/bin/sh\necho planted\n')
  chmodSync(join(bin, 'lspci'), 0o755)
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('lists only fixed system folders', () => {
    expect(systemProgramDirs('linux')).toEqual(['/usr/bin', '/usr/sbin', '/bin', '/sbin'])
    expect(systemProgramDirs('darwin', { PATH: '/Users/x/bin' })).not.toContain('/Users/x/bin')
    expect(systemProgramDirs('win32', { SystemRoot: 'D:\\Win', Path: 'C:\\Users\\x' })).toEqual([
      'D:\\Win\\System32',
      'D:\\Win\\System32\\Wbem',
      'D:\\Win\\System32\\WindowsPowerShell\\v1.0',
      'D:\\Program Files\\NVIDIA Corporation\\NVSMI',
    ])
    // A SystemRoot that is not a plain drive path (a relative folder, a PATH list) is not used.
    expect(systemProgramDirs('win32', { SystemRoot: '.\\evil;C:\\x' })[0]).toBe(
      'C:\\Windows\\System32',
    )
  })

  it('accepts only root-owned files and folders no one else can write', () => {
    expect(rootOnlyWritable({ uid: 0, gid: 0, mode: 0o40755 })).toBe(true)
    expect(rootOnlyWritable({ uid: 0, gid: 0, mode: 0o40775 })).toBe(true)
    expect(rootOnlyWritable({ uid: 1000, gid: 1000, mode: 0o40755 })).toBe(false)
    expect(rootOnlyWritable({ uid: 0, gid: 1000, mode: 0o40775 })).toBe(false)
    expect(rootOnlyWritable({ uid: 0, gid: 0, mode: 0o41777 })).toBe(false)
  })

  it.runIf(posix)('refuses a program in a folder a non-root user can write', () => {
    // The temp folder lies in /tmp (world-writable), or is owned by a non-root user.
    expect(isTrustedDir(bin, [], 'linux')).toBe(false)
    expect(resolveTrustedProgram('lspci', { dirs: [bin], homes: [] })).toBeUndefined()
  })

  it.runIf(posix && existsSync('/usr/bin/sh'))('refuses a program under the scanned home', () => {
    expect(resolveTrustedProgram('sh', { dirs: ['/usr/bin'], homes: [] })).toBe('/usr/bin/sh')
    expect(resolveTrustedProgram('sh', { dirs: ['/usr/bin'], homes: ['/usr'] })).toBeUndefined()
    expect(isTrustedDir('/usr/bin', ['/usr/bin'])).toBe(false)
  })

  it.runIf(posix)('finds a system program in /usr/bin or /bin, whatever PATH says', () => {
    const found = resolveTrustedProgram('sh', { env: { PATH: bin } })
    expect(found).toMatch(/^\/(usr\/)?s?bin\/sh$/)
    expect(resolveTrustedProgram('lspci', { env: { PATH: bin }, dirs: [bin] })).toBeUndefined()
    expect(resolveTrustedProgram('../bin/sh')).toBeUndefined()
  })

  it.runIf(posix)("builds the probes' environment from trusted folders only", () => {
    const env = trustedEnv({ env: { PATH: `${bin}:/usr/bin`, NODE_OPTIONS: '-r x' } })
    expect(Object.keys(env).sort()).toEqual(['LANG', 'LC_ALL', 'PATH'])
    expect(env.PATH).not.toContain(bin)
    expect(env.PATH?.split(':')).toContain('/usr/bin')
  })
})

/**
 * The reviewer's repro: marker-writing fake probes in ~/.local/bin of the scanned home, first on
 * PATH. Nothing planted may run, whether the system-info port is asked directly or by a scan
 * with the real (not faked) system probes.
 */
describe.runIf(posix)('system probes never run programs planted on PATH', () => {
  const root = mkdtempSync(join(tmpdir(), 'aiscout-planted-'))
  const home = join(root, 'home')
  const bin = join(home, '.local', 'bin')
  const markers = join(root, 'markers')
  mkdirSync(bin, { recursive: true })
  mkdirSync(markers)
  const names = [
    'nvidia-smi',
    'lspci',
    'clinfo',
    'xrandr',
    'xdpyinfo',
    'dmidecode',
    'lscpu',
    'lsof',
    'ps',
    'netstat',
    'system_profiler',
    'sysctl',
    'uname',
    'hostname',
    'grep',
    'awk',
    'cat',
    'ioreg',
    'upower',
    'acpi',
  ]
  for (const name of names) {
    const script = join(bin, name)
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${join(markers, name)}'\necho 1.2.3\n`)
    chmodSync(script, 0o755)
  }
  const saved = process.env.PATH
  afterAll(() => {
    process.env.PATH = saved
    rmSync(root, { recursive: true, force: true })
  })

  it('asks the system-info port and a socket query without running any of them', async () => {
    process.env.PATH = `${bin}:${saved ?? ''}`
    const port = createSystemInfoPort({ trust: { homes: [home] } })
    await Promise.all([port.graphics(), port.cpu(), port.mem(), port.osInfo()])
    await runQuery('lsof', ['-v'])
    await runQuery('nvidia-smi', [])
    // The desktop app's schedule asks for the power source the same way: no battery here.
    expect(await onBatteryPower()).toBe(false)
    expect(readdirSync(markers)).toEqual([])
  }, 90_000)

  it('scans the home with the real system probes without running any of them', async () => {
    process.env.PATH = `${bin}:${saved ?? ''}`
    const db = openDb(join(root, 'scan.db'))
    try {
      await scan(db, { home, env: { HOME: home, PATH: process.env.PATH }, platform: 'linux' })
    } finally {
      db.close()
    }
    expect(readdirSync(markers)).toEqual([])
  }, 120_000)
})

describe.runIf(posix)("systeminformation's child process", () => {
  it('refuses dmidecode through exec and execSync, even when it is on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-dmi-'))
    try {
      const marker = join(dir, 'ran')
      writeFileSync(join(dir, 'dmidecode'), `#!/bin/sh\necho "$*" >> '${marker}'\n`)
      chmodSync(join(dir, 'dmidecode'), 0o755)
      // A stand-in for the library: one query that asks dmidecode both ways, as graphics() and
      // cpu() do, and reports what came back.
      const fakeSi = join(dir, 'fake-si.js')
      writeFileSync(
        fakeSi,
        `const cp = require('child_process')
        exports.cpu = () => new Promise((resolve) => {
          let sync = 'ran'
          try { cp.execSync('dmidecode -t 9 2>/dev/null') } catch { sync = 'refused' }
          cp.exec('dmidecode -t 4', (error) => resolve({ sync, async: error ? 'refused' : 'ran' }))
        })`,
      )
      const out = execFileSync(process.execPath, ['-e', SI_CHILD_SCRIPT, '--', fakeSi, 'cpu'], {
        env: { PATH: `${dir}:/usr/bin:/bin` },
      }).toString()
      expect(JSON.parse(out)).toEqual({ ok: true, v: { sync: 'refused', async: 'refused' } })
      expect(existsSync(marker)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
