import type { DetailValue } from '../../../types'
import type { DiscoveryContext, Locator, SystemInfoPort } from '../../types'
import { pathDirs, probeToolkits, type Toolkits } from './toolkits'
import { scanningRealHome } from '../../paths'

export type ComputeOptions = Readonly<{
  /**
   * Root for on-disk toolkit/driver probes (`/usr/local/cuda*`, `/opt/rocm`, `/proc/driver/nvidia`).
   * Default: the real system root, and only when the scan targets the real home (a `--home` scan
   * of another tree must not report the scanning machine's toolkits). Tests pass a temp dir.
   */
  systemRoot?: string
}>

type Controller = Awaited<ReturnType<SystemInfoPort['graphics']>>['controllers'][number]

export type GpuVendor = 'nvidia' | 'amd' | 'intel' | 'apple' | 'qualcomm' | 'microsoft' | 'other'

export function gpuVendor(c: Controller): GpuVendor {
  const s = `${c.vendor ?? ''} ${c.model ?? ''}`.toLowerCase()
  if (/nvidia|geforce|quadro|tesla/.test(s)) return 'nvidia'
  if (/\bamd\b|advanced micro|\bati\b|radeon|instinct/.test(s)) return 'amd'
  if (/intel/.test(s)) return 'intel'
  if (/apple/.test(s)) return 'apple'
  if (/qualcomm|adreno/.test(s)) return 'qualcomm'
  if (/microsoft|basic display/.test(s)) return 'microsoft'
  return 'other'
}

/** NPUs some systems list as display/accelerator devices (Intel AI Boost, AMD XDNA/Ryzen AI, Hexagon). */
export function isNpu(c: Controller): boolean {
  return /\bnpu\b|ai boost|neural|xdna|ryzen ai|hexagon/i.test(`${c.vendor ?? ''} ${c.model ?? ''}`)
}

/** Virtual / fallback display adapters that do no AI compute. */
function isVirtualDisplay(c: Controller): boolean {
  return /basic display|basic render|llvmpipe|virtualbox|vmware svga|svga3d|qxl|virtio|bochs|cirrus|hyper-v/i.test(
    `${c.vendor ?? ''} ${c.model ?? ''}`,
  )
}

const clean = (s: string | undefined, max = 200): string | undefined => {
  const t = s?.replace(/[\u0000-\u001f]/g, ' ').trim()
  return t ? t.slice(0, max) : undefined
}

async function safe<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f()
  } catch {
    return undefined
  }
}

async function locateCompute(ctx: DiscoveryContext, opts: ComputeOptions): Promise<void> {
  const [graphics, cpu, mem, os] = await Promise.all([
    safe(() => ctx.systemInfo.graphics()),
    safe(() => ctx.systemInfo.cpu()),
    safe(() => ctx.systemInfo.mem()),
    safe(() => ctx.systemInfo.osInfo()),
  ])
  const controllers = (graphics?.controllers ?? []).slice(0, 32)
  const npus = controllers.filter(isNpu)
  const gpus = controllers.filter((c) => !isNpu(c) && !isVirtualDisplay(c))
  const appleSilicon =
    ctx.platform === 'darwin' &&
    (/apple/i.test(cpu?.manufacturer ?? '') ||
      /apple m\d/i.test(cpu?.brand ?? '') ||
      os?.arch === 'arm64')

  const realSystem = opts.systemRoot === undefined && scanningRealHome(ctx)
  const root =
    opts.systemRoot ??
    (realSystem ? (ctx.platform === 'win32' ? `${ctx.env.SystemDrive ?? 'C:'}\\` : '/') : undefined)
  const toolkits: Toolkits | undefined =
    root !== undefined
      ? await safe(() =>
          probeToolkits(ctx, root, realSystem ? pathDirs(ctx.env, ctx.platform) : []),
        )
      : undefined

  const gpuDetails = gpus.map((c, index) => ({
    index,
    vendor: gpuVendor(c),
    model: clean(c.model) ?? null,
    vramMiB: typeof c.vram === 'number' && c.vram > 0 ? c.vram : null,
    driverVersion: clean(c.driverVersion, 40) ?? null,
    bus: clean(c.bus, 40) ?? null,
  }))
  const hasNvidia = gpuDetails.some((g) => g.vendor === 'nvidia')
  const hasAmd = gpuDetails.some((g) => g.vendor === 'amd')
  const cudaVersions = (toolkits?.cuda ?? []).map((t) => t.version ?? 'unknown')
  const accelerators: Record<string, DetailValue> = {
    cuda: {
      available:
        hasNvidia &&
        (cudaVersions.length > 0 ||
          !!toolkits?.nvidiaDriver ||
          !!toolkits?.nvidiaSmi ||
          gpuDetails.some((g) => g.vendor === 'nvidia' && g.driverVersion !== null)),
      toolkits: (toolkits?.cuda ?? []).map((t) => ({ path: t.path, version: t.version ?? null })),
      driver:
        toolkits?.nvidiaDriver ??
        gpuDetails.find((g) => g.vendor === 'nvidia')?.driverVersion ??
        null,
      nvidiaSmi: toolkits?.nvidiaSmi ?? null,
    },
    rocm: {
      available: hasAmd && !!toolkits?.rocm,
      version: toolkits?.rocm?.version ?? null,
      path: toolkits?.rocm?.path ?? null,
    },
    // Every Mac that runs a supported macOS has Metal; on Apple Silicon it is the AI accelerator (MPS, MLX).
    metal: { available: ctx.platform === 'darwin', appleSilicon },
  }
  const notes: string[] = []
  if (gpus.length === 0)
    notes.push(
      appleSilicon
        ? 'No discrete GPU reported; the Apple Silicon integrated GPU (Metal) and Neural Engine serve AI workloads.'
        : 'No GPU was reported on this machine: AI workloads here run on the CPU.',
    )
  if (toolkits === undefined)
    notes.push(
      'Toolkit and driver files were not probed (the scanned home is not this machine’s home).',
    )
  if (!graphics) notes.push('The graphics query failed; GPU information may be incomplete.')

  const npuDetails: DetailValue[] = npus.map((c) => ({
    vendor: clean(c.vendor) ?? null,
    model: clean(c.model) ?? null,
  }))
  if (appleSilicon) npuDetails.push({ vendor: 'Apple', model: 'Apple Neural Engine' })

  const hostId = ctx.emitAsset({
    kind: 'compute',
    path: 'compute:host',
    identity: 'compute:host',
    name: clean(cpu?.brand) ?? 'compute',
    source: 'compute',
    details: {
      scope: 'machine',
      gpuCount: gpuDetails.length,
      gpus: gpuDetails,
      npus: npuDetails,
      cpu: {
        manufacturer: clean(cpu?.manufacturer) ?? null,
        brand: clean(cpu?.brand) ?? null,
        cores: cpu?.cores ?? null,
        physicalCores: cpu?.physicalCores ?? null,
      },
      memoryBytes: mem?.total ?? null,
      os: {
        platform: clean(os?.platform) ?? ctx.platform,
        distro: clean(os?.distro) ?? null,
        release: clean(os?.release) ?? null,
        arch: clean(os?.arch) ?? null,
      },
      accelerators,
      notes,
    },
  })
  for (const g of gpuDetails)
    ctx.emitAsset({
      kind: 'compute',
      path: `gpu:${g.index}`,
      identity: `gpu:${g.index}:${g.vendor}:${g.model ?? ''}`,
      name: g.model ?? `${g.vendor} GPU`,
      version: g.driverVersion ?? undefined,
      source: 'compute',
      details: { scope: 'machine', type: 'gpu', ...g },
      links: [{ to: hostId, relation: 'part-of' }],
    })
}

export function createComputeLocator(opts: ComputeOptions = {}): Locator {
  return {
    id: 'compute',
    besideCrawl: true,
    title: 'GPUs, NPUs, CPU, memory and AI toolkits',
    locate: (ctx) => locateCompute(ctx, opts),
  }
}
