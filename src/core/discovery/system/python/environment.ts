import { basename, join } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { DetailValue } from '../../../types'
import { isDir, listDir } from '../../../util/fs'
import { advisoriesFor } from './advisory-match'
import {
  pythonFromLibDir,
  scanCondaMeta,
  scanSitePackages,
  type InstalledPackage,
} from './site-packages'

export type EnvManager =
  'venv' | 'virtualenv' | 'uv' | 'conda' | 'pyenv' | 'pipx' | 'uv-tool' | 'user-site'

export type EnvironmentInput = Readonly<{
  /** The environment root (the directory holding pyvenv.cfg, conda-meta, bin/ or Scripts/). */
  dir: string
  manager: EnvManager
  /** Locator or analyzer id. */
  source: string
  name?: string
  pythonVersion?: string
  /** For user-site: the site-packages directories to read instead of the env layout. */
  sitePackages?: readonly string[]
}>

/** Environments already reported in this scan, so the crawl's pyvenv.cfg analyzer does not redo a locator's work. */
const REPORTED = new WeakMap<object, Set<string>>()

export function alreadyReported(ctx: DiscoveryContext, dir: string): boolean {
  return REPORTED.get(ctx)?.has(dir) ?? false
}

function markReported(ctx: DiscoveryContext, dir: string): void {
  let s = REPORTED.get(ctx)
  if (!s) REPORTED.set(ctx, (s = new Set()))
  s.add(dir)
}

/** site-packages directories of an environment, per platform layout. */
export async function sitePackagesOf(
  ctx: DiscoveryContext,
  envDir: string,
): Promise<{ dirs: string[]; python?: string }> {
  if (ctx.platform === 'win32') {
    const d = join(envDir, 'Lib', 'site-packages')
    return { dirs: (await isDir(d)) ? [d] : [] }
  }
  const dirs: string[] = []
  let python: string | undefined
  for (const e of await listDir(ctx, join(envDir, 'lib'))) {
    const v = pythonFromLibDir(e.name)
    if (!v) continue
    const d = join(envDir, 'lib', e.name, 'site-packages')
    if (await isDir(d)) {
      dirs.push(d)
      python ??= v
    }
  }
  return { dirs, python }
}

function purlOf(p: InstalledPackage): string {
  return p.format === 'conda-meta'
    ? `pkg:conda/${p.normalized}@${p.version}`
    : `pkg:pypi/${p.normalized}@${p.version}`
}

/**
 * Reads one environment's packages and emits it (kind `python-environment`) plus one `package`
 * asset per AI package, with `package.vulnerable` findings from the advisory table.
 * Environments without AI packages are not reported (this is an AI inventory). Never throws.
 */
export async function reportEnvironment(
  ctx: DiscoveryContext,
  input: EnvironmentInput,
): Promise<string | undefined> {
  const { dir } = input
  if (alreadyReported(ctx, dir)) return undefined
  markReported(ctx, dir)
  // Let the crawl skip the stdlib and site-packages trees it would otherwise walk file by file.
  ctx.claimFile(join(dir, 'pyvenv.cfg'))
  try {
    const layout = input.sitePackages
      ? { dirs: [...input.sitePackages], python: input.pythonVersion }
      : await sitePackagesOf(ctx, dir)
    let packageCount = 0
    let condaPython: string | undefined
    const byName = new Map<string, InstalledPackage>()
    for (const sp of layout.dirs) {
      const scan = await scanSitePackages(ctx, sp)
      packageCount += scan.packageCount
      for (const p of scan.ai) if (!byName.has(p.normalized)) byName.set(p.normalized, p)
    }
    if (input.manager === 'conda') {
      // Conda-installed packages (e.g. `pytorch`) may have no dist-info at all.
      const scan = await scanCondaMeta(ctx, dir)
      packageCount = Math.max(packageCount, scan.packageCount)
      condaPython = scan.python
      for (const p of scan.ai) {
        const alias = p.normalized === 'pytorch' ? 'torch' : p.normalized
        if (!byName.has(alias) && !byName.has(p.normalized)) byName.set(p.normalized, p)
      }
    }
    // The crawl would otherwise walk the stdlib and site-packages trees file by file.
    if (!input.sitePackages) ctx.claimDir(join(dir, ctx.platform === 'win32' ? 'Lib' : 'lib'))
    if (byName.size === 0) return undefined
    const pkgs = [...byName.values()].sort((a, b) => a.normalized.localeCompare(b.normalized))
    const vulnerable = pkgs.map((p) => ({ p, advs: advisoriesFor(p.normalized, p.version) }))
    const python = input.pythonVersion ?? layout.python ?? condaPython
    const aiPackages: DetailValue[] = pkgs.map((p) => ({
      name: p.normalized,
      version: p.version,
      category: p.category,
    }))
    const envId = ctx.emitAsset({
      kind: 'python-environment',
      path: dir,
      name: input.name ?? basename(dir),
      version: python,
      source: input.source,
      details: {
        manager: input.manager,
        pythonVersion: python ?? null,
        packageCount,
        aiPackageCount: pkgs.length,
        aiPackages,
        vulnerablePackageCount: vulnerable.filter((v) => v.advs.length > 0).length,
        sitePackages: layout.dirs,
      },
    })
    for (const { p, advs } of vulnerable) {
      const pkgId = ctx.emitAsset({
        kind: 'package',
        path: p.path,
        identity: `${purlOf(p)}@${dir}`,
        name: p.normalized,
        version: p.version,
        format: p.format,
        source: input.source,
        details: {
          ecosystem: p.format === 'conda-meta' ? 'conda' : 'pypi',
          purl: purlOf(p),
          category: p.category,
          environment: dir,
          advisories: advs.map((a) => a.id),
        },
        links: [{ to: envId, relation: 'installed-in' }],
      })
      for (const a of advs)
        ctx.emitFinding({
          ruleId: 'package.vulnerable',
          severity: a.severity,
          title: `${p.normalized} ${p.version}: ${a.id}`,
          message: `${p.normalized} ${p.version} in ${dir} is affected by ${a.id}: ${a.summary}.${
            a.fixedIn ? ` Fixed in ${a.fixedIn}.` : ''
          }`,
          path: p.path,
          assetId: pkgId,
        })
    }
    return envId
  } catch (e) {
    ctx.emitSkipped({ path: dir, reason: 'error', message: `python environment: ${String(e)}` })
    return undefined
  }
}
