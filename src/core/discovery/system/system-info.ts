import type * as Si from 'systeminformation'
import type { SystemInfoPort } from '../types'
import { runQuery } from './exec'

/** systeminformation is loaded on first use only: a crawl that never asks for compute facts skips its load time. */
let siModule: Promise<typeof Si> | undefined
const loadSi = (): Promise<typeof Si> => (siModule ??= import('systeminformation'))

type Graphics = Awaited<ReturnType<SystemInfoPort['graphics']>>
type Controller = Graphics['controllers'][number]

export type SystemInfoOptions = Readonly<{
  /**
   * Also ask `nvidia-smi` (read-only query, 5 s timeout, no stdin): systeminformation may list no
   * NVIDIA GPU inside containers or when its own probes fail. Default true in production; tests
   * pass false or inject a fake port instead.
   */
  probeNvidiaSmi?: boolean
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

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= f())
}

/**
 * The production SystemInfoPort over `systeminformation`. Each query runs once per port and is
 * cached (the app calls it off the main thread; graphics() can take seconds on Windows).
 */
export function createSystemInfoPort(opts: SystemInfoOptions = {}): SystemInfoPort {
  const probeSmi = opts.probeNvidiaSmi ?? true
  const graphics = once(async (): Promise<Graphics> => {
    const g = await (await loadSi()).graphics().catch(() => ({ controllers: [] }))
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
      { timeoutMs: 5000, maxBytes: 64 * 1024 },
    )
    return {
      controllers:
        smi.kind === 'ok'
          ? mergeNvidiaSmi(controllers, parseNvidiaSmiCsv(smi.stdout))
          : controllers,
    }
  })
  const cpu = once(async () => {
    const c = await (await loadSi()).cpu()
    return {
      manufacturer: c.manufacturer,
      brand: c.brand,
      cores: c.cores,
      physicalCores: c.physicalCores,
    }
  })
  const mem = once(async () => ({ total: (await (await loadSi()).mem()).total }))
  const osInfo = once(async () => {
    const o = await (await loadSi()).osInfo()
    return { platform: o.platform, distro: o.distro, release: o.release, arch: o.arch }
  })
  return { graphics, cpu, mem, osInfo }
}
