import { basename, dirname, join } from 'node:path'
import type { DiscoveryContext } from '../../types'
import { listDir, readTextOrSkip } from '../../../util/fs'
import { obj, parseConfig, str } from '../util/parse'
import { normalizePypi } from './tool-table'

export type PackageJson = Readonly<{ name?: string; version?: string; bin: string[] }>

export async function readPackageJson(
  ctx: DiscoveryContext,
  dir: string,
): Promise<PackageJson | undefined> {
  const text = await readTextOrSkip(ctx, join(dir, 'package.json'), 1024 * 1024)
  if (text === undefined) return undefined
  const parsed = parseConfig(text, 'json')
  if (!parsed.ok) return undefined
  const p = obj(parsed.value)
  const bin = typeof p.bin === 'string' ? [basename(str(p.name) ?? '')] : Object.keys(obj(p.bin))
  return { name: str(p.name), version: str(p.version), bin }
}

/** Walks up from a resolved binary to the npm package that owns it (at most `levels` dirs). */
export async function owningNpmPackage(
  ctx: DiscoveryContext,
  file: string,
  names: readonly string[],
  levels = 5,
): Promise<{ dir: string; pkg: PackageJson } | undefined> {
  let dir = dirname(file)
  for (let i = 0; i < levels; i++) {
    if (basename(dir) === 'node_modules') return undefined
    const pkg = await readPackageJson(ctx, dir)
    if (pkg?.name && names.includes(pkg.name)) return { dir, pkg }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
  return undefined
}

/** site-packages dirs of a venv (POSIX lib/pythonX.Y/site-packages, Windows Lib/site-packages). */
export async function sitePackages(ctx: DiscoveryContext, venv: string): Promise<string[]> {
  const out: string[] = []
  for (const lib of ['lib', 'Lib', 'lib64']) {
    const libDir = join(venv, lib)
    if (lib === 'Lib') {
      if ((await listDir(ctx, libDir)).some((e) => e.name === 'site-packages'))
        out.push(join(libDir, 'site-packages'))
      continue
    }
    for (const ent of await listDir(ctx, libDir))
      if (ent.isDirectory() && /^python\d/.test(ent.name))
        out.push(join(libDir, ent.name, 'site-packages'))
  }
  return out
}

/** Installed distributions of a venv whose normalised name is one of `names`, with versions. */
export async function distInfos(
  ctx: DiscoveryContext,
  venv: string,
  names?: readonly string[],
): Promise<{ name: string; version: string; dir: string }[]> {
  const out: { name: string; version: string; dir: string }[] = []
  for (const sp of await sitePackages(ctx, venv)) {
    for (const ent of await listDir(ctx, sp)) {
      const m = /^(.+)-([^-]+)\.dist-info$/.exec(ent.name)
      if (!m) continue
      const name = normalizePypi(m[1]!)
      if (!names || names.includes(name))
        out.push({ name, version: m[2]!, dir: join(sp, ent.name) })
    }
  }
  return out
}

/** Compares dotted versions numerically (`1.10.0` > `1.9.3`); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/)
  const pb = b.split(/[.+-]/)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? ''
    const y = pb[i] ?? ''
    const nx = Number(x)
    const ny = Number(y)
    const c =
      Number.isFinite(nx) && Number.isFinite(ny) && x !== '' && y !== ''
        ? nx - ny
        : x.localeCompare(y)
    if (c !== 0) return c
  }
  return 0
}
