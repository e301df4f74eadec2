import { mkdtempSync } from 'node:fs'
import { arch, cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import si from 'systeminformation'
import { describe, expect, it } from 'vitest'
import { createComputeLocator } from '../../../../src/core/discovery/system/compute/compute'
import {
  parseNvidiaProcVersion,
  parseRocmVersion,
} from '../../../../src/core/discovery/system/compute/toolkits'
import {
  mergeNvidiaSmi,
  createSystemInfoPort,
  parseCpuinfo,
  parseNvidiaSmiCsv,
  parseOsRelease,
} from '../../../../src/core/discovery/system/system-info'
import { siQueryInChild } from '../../../../src/core/discovery/system/si-worker'
import { makeTestContext } from '../../../helpers/discovery-context'
import { fakeSystemInfo, makeSystemRoot } from '../../../fixtures/generators/homes/system-compute'

const home = () => mkdtempSync(join(tmpdir(), 'aiscout-compute-home-'))

/** The host asset's details as a JSON consumer (report, export) sees them. */
function hostDetails(assets: readonly { path: string; details?: unknown }[]) {
  return JSON.parse(JSON.stringify(assets.find((a) => a.path === 'compute:host')?.details ?? null))
}

describe('compute locator', () => {
  it('reports GPUs, toolkits and drivers from a Linux system root', async () => {
    const t = makeTestContext({
      home: home(),
      platform: 'linux',
      systemInfo: fakeSystemInfo({
        controllers: [
          {
            vendor: 'NVIDIA Corporation',
            model: 'NVIDIA GeForce RTX 4090',
            vram: 24564,
            driverVersion: '550.54.14',
            bus: 'PCI',
          },
          { vendor: 'Intel Corporation', model: 'Meteor Lake NPU (Intel AI Boost)', vram: null },
          { vendor: 'VMware', model: 'SVGA II Adapter', vram: 16 },
        ],
      }),
    })
    await createComputeLocator({ systemRoot: makeSystemRoot('linux') }).locate(t.ctx)
    const host = t.assets.find((a) => a.path === 'compute:host')
    const d = hostDetails(t.assets)
    expect(d.gpuCount).toBe(1)
    expect(d.gpus[0]).toMatchObject({
      vendor: 'nvidia',
      model: 'NVIDIA GeForce RTX 4090',
      vramMiB: 24564,
      driverVersion: '550.54.14',
    })
    expect(d.npus).toEqual([
      { vendor: 'Intel Corporation', model: 'Meteor Lake NPU (Intel AI Boost)' },
    ])
    expect(d.accelerators.cuda.available).toBe(true)
    // cuda -> cuda-12.4 symlink is one toolkit; the directory without version or nvcc is not one;
    // a wheel-style toolkit without a version file takes its version from the directory name.
    expect(d.accelerators.cuda.toolkits.map((x: { version: string }) => x.version).sort()).toEqual([
      '11.8.0',
      '12.4.1',
      '13.0',
    ])
    expect(d.accelerators.cuda.driver).toBe('550.54.14')
    expect(d.accelerators.cuda.nvidiaSmi).toMatch(/usr\/bin\/nvidia-smi$/)
    expect(d.accelerators.rocm).toMatchObject({ version: '6.0.2', available: false })
    expect(d.accelerators.metal.available).toBe(false)
    expect(d.memoryBytes).toBe(32 * 1024 ** 3)
    const gpus = t.assets.filter((a) => a.kind === 'compute' && a.path.startsWith('gpu:'))
    expect(gpus).toHaveLength(1)
    expect(gpus[0]?.links).toEqual([{ to: host?.id, relation: 'part-of' }])
  })

  it('says so when there is no GPU, instead of failing', async () => {
    const t = makeTestContext({
      home: home(),
      platform: 'linux',
      systemInfo: fakeSystemInfo({ controllers: [] }),
    })
    await createComputeLocator().locate(t.ctx)
    const d = hostDetails(t.assets)
    expect(d.gpus).toEqual([])
    expect(d.notes.join(' ')).toMatch(/No GPU was reported/)
    // A fake home is not this machine: its toolkits are not probed and the asset says why.
    expect(d.notes.join(' ')).toMatch(/not probed/)
    expect(d.accelerators.cuda.available).toBe(false)
    expect(t.assets.filter((a) => a.path.startsWith('gpu:'))).toEqual([])
  })

  it('survives a failing graphics probe', async () => {
    const t = makeTestContext({
      home: home(),
      platform: 'linux',
      systemInfo: fakeSystemInfo({ failGraphics: true }),
    })
    await createComputeLocator().locate(t.ctx)
    const d = hostDetails(t.assets)
    expect(d.gpus).toEqual([])
    expect(d.notes.join(' ')).toMatch(/graphics query failed/)
  })

  it('reports Metal and the Neural Engine on Apple Silicon', async () => {
    const t = makeTestContext({
      home: home(),
      platform: 'darwin',
      systemInfo: fakeSystemInfo({
        controllers: [{ vendor: 'Apple', model: 'Apple M3 Max', vram: null }],
        cpu: { manufacturer: 'Apple', brand: 'M3 Max', cores: 16 },
        os: { platform: 'darwin', arch: 'arm64' },
      }),
    })
    await createComputeLocator().locate(t.ctx)
    const d = hostDetails(t.assets)
    expect(d.accelerators.metal).toEqual({ available: true, appleSilicon: true })
    expect(d.gpus[0]).toMatchObject({ vendor: 'apple', vramMiB: null })
    expect(d.npus).toContainEqual({ vendor: 'Apple', model: 'Apple Neural Engine' })
  })

  it('finds the CUDA toolkit and nvidia-smi in a Windows layout', async () => {
    const t = makeTestContext({
      home: home(),
      platform: 'win32',
      systemInfo: fakeSystemInfo({
        controllers: [{ vendor: 'NVIDIA', model: 'NVIDIA RTX A2000 Laptop GPU', vram: 4096 }],
      }),
    })
    await createComputeLocator({ systemRoot: makeSystemRoot('win32') }).locate(t.ctx)
    const d = hostDetails(t.assets)
    expect(d.accelerators.cuda.toolkits).toEqual([
      { path: expect.stringMatching(/CUDA[\\/]v12\.4$/), version: '12.4.1' },
    ])
    expect(d.accelerators.cuda.nvidiaSmi).toMatch(/nvidia-smi\.exe$/)
    expect(d.accelerators.cuda.available).toBe(true)
  })
})

describe('nvidia-smi parsing for the production adapter', () => {
  it('parses csv rows and merges GPUs systeminformation missed', () => {
    const rows = parseNvidiaSmiCsv(
      'NVIDIA H100 80GB HBM3, 81559, 550.90.07\nNVIDIA H100 80GB HBM3, 81559, 550.90.07\n\n',
    )
    expect(rows).toEqual([
      { model: 'NVIDIA H100 80GB HBM3', vramMiB: 81559, driverVersion: '550.90.07' },
      { model: 'NVIDIA H100 80GB HBM3', vramMiB: 81559, driverVersion: '550.90.07' },
    ])
    expect(parseNvidiaSmiCsv('No devices were found\n')).toEqual([])
    expect(parseNvidiaSmiCsv('garbage')).toEqual([])
    const merged = mergeNvidiaSmi(
      [{ vendor: 'NVIDIA', model: 'NVIDIA H100 80GB HBM3', vram: null }],
      rows,
    )
    expect(merged).toHaveLength(2)
    expect(merged[0]).toMatchObject({ vram: 81559, driverVersion: '550.90.07' })
    expect(merged[1]).toMatchObject({ vendor: 'NVIDIA', vram: 81559 })
  })
})

describe('driver and toolkit version files', () => {
  it('reads the proprietary and the open NVIDIA kernel module version lines', () => {
    expect(
      parseNvidiaProcVersion(
        'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n',
      ),
    ).toBe('550.54.14')
    expect(
      parseNvidiaProcVersion(
        'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (builder@)\n',
      ),
    ).toBe('580.159.04')
    expect(parseNvidiaProcVersion('NVRM version: nothing here')).toBeUndefined()
    expect(parseRocmVersion('6.0.2-115\n')).toBe('6.0.2')
    expect(parseRocmVersion('garbage')).toBeUndefined()
  })
})

describe('CPU and OS facts read without spawning a process (Linux)', () => {
  it('reads the vendor, a short brand and physical cores from /proc/cpuinfo text', () => {
    // Two sockets, two cores each, two threads per core: 8 logical, 4 physical.
    const block = (cpu: number, socket: number, core: number) =>
      [
        `processor\t: ${cpu}`,
        'vendor_id\t: GenuineIntel',
        'model name\t: Intel(R) Xeon(R) Gold 6000 CPU @ 2.10GHz',
        `physical id\t: ${socket}`,
        `core id\t\t: ${core}`,
        '',
      ].join('\n')
    const text = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => block(i, i >> 2, (i >> 1) & 1)).join('\n')
    expect(parseCpuinfo(text, 8)).toEqual({
      manufacturer: 'Intel',
      brand: 'Xeon Gold 6000',
      cores: 8,
      physicalCores: 4,
    })
    expect(parseCpuinfo('vendor_id : AuthenticAMD\nmodel name : AMD EPYC Processor\n', 2)).toEqual({
      manufacturer: 'AMD',
      brand: 'EPYC',
      cores: 2,
      physicalCores: 2,
    })
  })

  it('gives up (systeminformation answers) when the kernel does not name the model', () => {
    expect(parseCpuinfo('processor : 0\nBogoMIPS : 48.00\nCPU implementer : 0x41\n', 4)).toBe(
      undefined,
    )
    expect(parseCpuinfo('', 4)).toBe(undefined)
  })

  it('reads the distribution from os-release, quoted or not', () => {
    expect(
      parseOsRelease('PRETTY_NAME="Example Linux 7 (Quiet)"\nNAME="Example Linux"\nVERSION_ID=7\n'),
    ).toEqual({ distro: 'Example Linux', release: '7' })
    expect(parseOsRelease("NAME='Other'\n# comment\nVERSION_ID='2.1'")).toEqual({
      distro: 'Other',
      release: '2.1',
    })
    expect(parseOsRelease('garbage')).toEqual({ distro: undefined, release: undefined })
  })

  it.runIf(process.platform === 'linux')(
    'answers cpu, mem and osInfo on this Linux machine with plausible values',
    async () => {
      const port = createSystemInfoPort({ probeNvidiaSmi: false })
      const [c, m, o] = await Promise.all([port.cpu(), port.mem(), port.osInfo()])
      expect(c.cores).toBe(cpus().length)
      expect(c.physicalCores).toBeGreaterThan(0)
      expect(c.physicalCores).toBeLessThanOrEqual(c.cores!)
      expect(c.brand).toBeTruthy()
      expect(m.total).toBe(totalmem())
      expect(o).toEqual(expect.objectContaining({ platform: 'linux', arch: arch() }))
    },
  )
})

describe('systeminformation queries in a child process', () => {
  it('answers the GPU facts systeminformation answers on this thread', async () => {
    const direct = await si.graphics()
    const child = await siQueryInChild<typeof direct>('graphics')
    expect(child.controllers.map((c) => [c.vendor, c.model])).toEqual(
      direct.controllers.map((c) => [c.vendor, c.model]),
    )
  })

  it('rejects (and the port goes without GPU facts) when the child cannot load the library', async () => {
    await expect(
      siQueryInChild('graphics', { siPath: join(tmpdir(), 'no-such-systeminformation.js') }),
    ).rejects.toThrow(/exited/)
  })
})
