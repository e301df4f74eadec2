import { arch, cpus, homedir, platform as osPlatform, release, totalmem } from 'node:os'
import type * as Si from 'systeminformation'
import { readHeadText, readTextBounded } from '../../util/fs'
import type { SystemInfoPort } from '../types'
import { runQuery } from './exec'
import { siQueryInChild } from './si-worker'
import type { TrustOptions } from './trusted-path'

type Graphics = Awaited<ReturnType<SystemInfoPort['graphics']>>
type Controller = Graphics['controllers'][number]

export type SystemInfoOptions = Readonly<{
  /**
   * Also ask `nvidia-smi` (read-only query, 5 s timeout, no stdin): systeminformation may list no
   * NVIDIA GPU inside containers or when its own probes fail. Default true in production; tests
   * pass false or inject a fake port instead.
   */
  probeNvidiaSmi?: boolean
  /**
   * Where probe programs may come from (trusted-path.ts); `homes` should name the scanned home.
   * The user's home is always refused as well.
   */
  trust?: TrustOptions
}>

export type NvidiaSmiGpu = Readonly<{ model: string; vramMiB?: number; driverVersion?: string }>

/** Parses `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(text: string): NvidiaSmiGpu[] {
  const out: NvidiaSmiGpu[] = []
  for (const line of text.split(/\r?\n/).slice(0, 64)) {
    const cols = line.split(',').map((c) => c.trim())
    const model = cols[0]
    if (!model || cols.length < 3 || /^(name|no devices)/i.test(model)) continue
    const mem = Number.parseInt((cols[1] ?? '').replace(/\s*MiB$/i, ''), 10)
    const driver = cols[2]
    out.push({
      model: model.slice(0, 200),
      vramMiB: Number.isFinite(mem) && mem > 0 ? mem : undefined,
      driverVersion: driver && /^[\w.-]{1,40}$/.test(driver) ? driver : undefined,
    })
  }
  return out
}

/** Adds nvidia-smi GPUs systeminformation missed, and fills VRAM / driver where it left them empty. */
export function mergeNvidiaSmi(
  controllers: readonly Controller[],
  smi: readonly NvidiaSmiGpu[],
): Controller[] {
  const merged = controllers.map((c) => ({ ...c }))
  const nvidia = merged.filter((c) => /nvidia/i.test(`${c.vendor ?? ''} ${c.model ?? ''}`))
  smi.forEach((g, i) => {
    const match = nvidia[i]
    if (match) {
      match.vram ??= g.vramMiB ?? null
      match.driverVersion ||= g.driverVersion
      if (!match.model) match.model = g.model
    } else {
      merged.push({
        vendor: 'NVIDIA',
        model: g.model,
        vram: g.vramMiB ?? null,
        driverVersion: g.driverVersion,
      })
    }
  })
  return merged
}

type CpuFacts = Awaited<ReturnType<SystemInfoPort['cpu']>>
type OsFacts = Awaited<ReturnType<SystemInfoPort['osInfo']>>

const CPU_VENDORS: Readonly<Record<string, string>> = {
  GenuineIntel: 'Intel',
  AuthenticAMD: 'AMD',
  HygonGenuine: 'Hygon',
}

/**
 * CPU facts from the text of Linux's /proc/cpuinfo: vendor, model name, and physical cores as
 * distinct (physical id, core id) pairs. Undefined where the file does not name the model (most
 * ARM kernels): the caller then asks systeminformation.
 */
export function parseCpuinfo(text: string, logicalCores: number): CpuFacts | undefined {
  let vendor: string | undefined
  let brand: string | undefined
  const cores = new Set<string>()
  let physical = ''
  for (const line of text.split('\n')) {
    const at = line.indexOf(':')
    if (at < 0) continue
    const key = line.slice(0, at).trim()
    const value = line.slice(at + 1).trim()
    if (key === 'vendor_id') vendor ??= value
    else if (key === 'model name') brand ??= value
    else if (key === 'physical id') physical = value
    else if (key === 'core id') cores.add(`${physical}/${value}`)
  }
  if (!brand) return undefined
  const manufacturer = vendor ? (CPU_VENDORS[vendor] ?? vendor) : undefined
  // The brand without the maker's name, trademark signs, nominal clock or "Processor", as
  // systeminformation names it on the other platforms ("Intel(R) Core(TM) i7 CPU @ 2.60GHz" is
  // Intel's "Core i7").
  const short = brand
    .replace(/\((R|TM|C)\)/gi, '')
    .replace(/\s*(CPU\s*)?@\s*[\d.]+\s*GHz/i, '')
    .replace(/\s+Processor\b/i, '')
    .replace(/\s+/g, ' ')
    .trim()
  const withoutMaker =
    manufacturer && short.toLowerCase().startsWith(`${manufacturer.toLowerCase()} `)
      ? short.slice(manufacturer.length + 1)
      : short
  return {
    manufacturer,
    brand: withoutMaker || short,
    cores: logicalCores,
    physicalCores: cores.size > 0 ? cores.size : logicalCores,
  }
}

/** Distribution name and version from the text of os-release(5). */
export function parseOsRelease(text: string): { distro?: string; release?: string } {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (m) fields.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'))
  }
  return { distro: fields.get('NAME'), release: fields.get('VERSION_ID') }
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= f())
}

/**
 * The production SystemInfoPort over `systeminformation`. Each query runs once per port and is
 * cached (the app calls it off the main thread; graphics() can take seconds on Windows).
 * systeminformation's queries run only in a child process with the trusted environment
 * (si-worker.ts), and nvidia-smi only from a trusted system folder (exec.ts): a default scan runs
 * no program found through the user's PATH or under the scanned home.
 */
export function createSystemInfoPort(opts: SystemInfoOptions = {}): SystemInfoPort {
  const probeSmi = opts.probeNvidiaSmi ?? true
  const trust: TrustOptions = {
    ...opts.trust,
    homes: [...(opts.trust?.homes ?? []), homedir()],
  }
  const graphics = once(async (): Promise<Graphics> => {
    const g = await siQueryInChild<Si.Systeminformation.GraphicsData>('graphics', { trust }).catch(
      () => ({ controllers: [] }),
    )
    const controllers: Controller[] = g.controllers.map((c) => ({
      vendor: c.vendor || undefined,
      model: c.model || c.name || undefined,
      vram: c.vram ?? c.memoryTotal ?? null,
      driverVersion: c.driverVersion || undefined,
      bus: c.bus || undefined,
    }))
    if (!probeSmi || process.platform === 'darwin') return { controllers }
    const smi = await runQuery(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'],
      { timeoutMs: 5000, maxBytes: 64 * 1024, trust },
    )
    return {
      controllers:
        smi.kind === 'ok'
          ? mergeNvidiaSmi(controllers, parseNvidiaSmiCsv(smi.stdout))
          : controllers,
    }
  })
  // On Linux the CPU and OS facts are read from /proc and os-release, and memory everywhere from
  // the OS: systeminformation would spawn lscpu, dmesg, dmidecode, hostname and cat for them on
  // every scan (about 0.1 s of an unchanged rescan, and process launches that endpoint monitors
  // log from a tool that should be quiet).
  const cpu = once(async (): Promise<CpuFacts> => {
    if (process.platform === 'linux') {
      // procfs reports a size of 0: read up to the bound (about 1.5 KiB per logical CPU).
      const text = await readHeadText('/proc/cpuinfo', 2 * 1024 * 1024).catch(() => '')
      const facts = parseCpuinfo(text, cpus().length)
      if (facts) return facts
    }
    const c = await siQueryInChild<Si.Systeminformation.CpuData>('cpu', { trust }).catch(() => {
      const list = cpus()
      return {
        manufacturer: undefined,
        brand: list[0]?.model,
        cores: list.length,
        physicalCores: undefined,
      }
    })
    return {
      manufacturer: c.manufacturer,
      brand: c.brand,
      cores: c.cores,
      physicalCores: c.physicalCores,
    }
  })
  const mem = once(async () => ({ total: totalmem() }))
  const osInfo = once(async (): Promise<OsFacts> => {
    if (process.platform === 'linux') {
      for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
        const r = await readTextBounded(f, 64 * 1024)
        if (r.kind !== 'ok') continue
        return { platform: 'linux', ...parseOsRelease(r.text), arch: arch() }
      }
      return { platform: 'linux', release: release(), arch: arch() }
    }
    const o = await siQueryInChild<Si.Systeminformation.OsData>('osInfo', { trust }).catch(() => ({
      platform: osPlatform(),
      distro: undefined,
      release: release(),
      arch: arch(),
    }))
    return { platform: o.platform, distro: o.distro, release: o.release, arch: o.arch }
  })
  return { graphics, cpu, mem, osInfo }
}
