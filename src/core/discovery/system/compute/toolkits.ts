import { realpath } from 'node:fs/promises'
import { basename, delimiter, join } from 'node:path'
import type { DiscoveryContext } from '../../types'
import { isFile, listDir, readTextBounded } from '../../../util/fs'

/** Version files are a few hundred bytes. */
const VERSION_CAP = 64 * 1024

export type CudaToolkit = Readonly<{ path: string; version?: string }>

export type Toolkits = Readonly<{
  cuda: readonly CudaToolkit[]
  /** Kernel driver version from /proc/driver/nvidia/version (Linux). */
  nvidiaDriver?: string
  nvidiaSmi?: string
  rocm?: Readonly<{ path: string; version?: string }>
}>

async function readSmall(path: string): Promise<string | undefined> {
  const r = await readTextBounded(path, VERSION_CAP, { stripBom: true })
  return r.kind === 'ok' ? r.text : undefined
}

/** CUDA writes version.json (11.1+) and version.txt (older): `CUDA Version 10.2.89`. */
export async function cudaVersion(dir: string): Promise<string | undefined> {
  const json = await readSmall(join(dir, 'version.json'))
  if (json !== undefined) {
    try {
      const v = (JSON.parse(json) as { cuda?: { version?: unknown } }).cuda?.version
      if (typeof v === 'string' && /^[\d.]{1,20}$/.test(v)) return v
    } catch {
      // fall through to version.txt
    }
  }
  const txt = await readSmall(join(dir, 'version.txt'))
  return txt ? /CUDA Version\s+([\d.]{1,20})/.exec(txt)?.[1] : undefined
}

/**
 * The proprietary module writes `NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  <date>`,
 * the open module `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release
 * Build ...` (seen on an H200 host): take the first dotted version after "Kernel Module".
 */
export function parseNvidiaProcVersion(text: string): string | undefined {
  return /Kernel Module.*?\s(\d{2,4}\.\d{1,4}(?:\.\d{1,4})?)(?:\s|$)/.exec(text)?.[1]
}

/** `/opt/rocm/.info/version` holds `6.0.2-115`. */
export function parseRocmVersion(text: string): string | undefined {
  return /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1]
}

async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    return p
  }
}

/**
 * Probes installed GPU toolkits and drivers on disk under `root` (`/` or `C:\` on the real
 * machine, a temp dir in tests). Nothing is executed: nvidia-smi is only looked for on PATH.
 */
export async function probeToolkits(
  ctx: DiscoveryContext,
  root: string,
  extraBinDirs: readonly string[] = [],
): Promise<Toolkits> {
  const cudaDirs: string[] = []
  if (ctx.platform === 'win32') {
    const base = join(root, 'Program Files', 'NVIDIA GPU Computing Toolkit', 'CUDA')
    for (const e of await listDir(undefined, base))
      if (/^v\d+(\.\d+)*$/.test(e.name)) cudaDirs.push(join(base, e.name))
  } else {
    const base = join(root, 'usr', 'local')
    for (const e of await listDir(undefined, base))
      if (/^cuda(-\d+(\.\d+)*)?$/.test(e.name)) cudaDirs.push(join(base, e.name))
    cudaDirs.push(join(root, 'opt', 'cuda')) // Arch Linux package
  }
  const seen = new Set<string>()
  const cuda: CudaToolkit[] = []
  for (const d of cudaDirs) {
    const real = await realOrSelf(d)
    if (seen.has(real)) continue
    // Wheel-style toolkits (nvidia-cuda-nvcc) ship no version file: fall back to the directory name.
    const version =
      (await cudaVersion(d)) ?? /^(?:cuda-|v)(\d+(?:\.\d+)*)$/.exec(basename(real))?.[1]
    if (!version && !(await isFile(join(d, 'bin', ctx.platform === 'win32' ? 'nvcc.exe' : 'nvcc'))))
      continue
    seen.add(real)
    cuda.push({ path: d, version })
  }

  let nvidiaDriver: string | undefined
  let rocm: Toolkits['rocm']
  if (ctx.platform === 'linux') {
    const proc = await readSmall(join(root, 'proc', 'driver', 'nvidia', 'version'))
    nvidiaDriver = proc ? parseNvidiaProcVersion(proc) : undefined
    const rocmInfo = join(root, 'opt', 'rocm', '.info', 'version')
    const rv = await readSmall(rocmInfo)
    if (rv !== undefined) rocm = { path: join(root, 'opt', 'rocm'), version: parseRocmVersion(rv) }
  }

  const smiName = ctx.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi'
  const smiDirs =
    ctx.platform === 'win32'
      ? [join(root, 'Windows', 'System32')]
      : [join(root, 'usr', 'bin'), join(root, 'usr', 'local', 'bin')]
  smiDirs.push(...extraBinDirs)
  let nvidiaSmi: string | undefined
  for (const d of smiDirs)
    if (!nvidiaSmi && (await isFile(join(d, smiName)))) nvidiaSmi = join(d, smiName)
  return { cuda, nvidiaDriver, nvidiaSmi, rocm }
}

/** PATH entries from the scanned env (used only for the real machine). */
export function pathDirs(
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string[] {
  const p = env.PATH ?? env.Path ?? ''
  return p
    .split(platform === 'win32' ? ';' : delimiter)
    .filter(Boolean)
    .slice(0, 200)
}
