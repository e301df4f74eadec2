import { realpath } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { baseDirs, envPath, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { isDir, isDirEntry, isFile, listDir, readConfig } from '../../../util/fs'
import { reportEnvironment, type EnvManager } from './environment'
import { analyzePyvenv } from './pyvenv'

/** At most this many environments per root directory (a runaway envs/ folder cannot stall a scan). */
const MAX_ENVS_PER_ROOT = 500

async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    return p
  }
}

/** Child directories of `root` (symlinks to directories included), bounded. */
async function childDirs(ctx: DiscoveryContext, root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await listDir(ctx, root)) {
    if (out.length >= MAX_ENVS_PER_ROOT) break
    if (await isDirEntry(root, e)) out.push(join(root, e.name))
  }
  return out
}

/** Reports an env directory: through its pyvenv.cfg when it has one, else by layout. */
async function reportDir(
  ctx: DiscoveryContext,
  dir: string,
  source: string,
  manager: EnvManager,
  name?: string,
): Promise<void> {
  const cfg = join(dir, 'pyvenv.cfg')
  if (await isFile(cfg)) await analyzePyvenv(cfg, ctx, source, manager, name)
  else await reportEnvironment(ctx, { dir, manager, source, name })
}

// ---- conda ---------------------------------------------------------------------------------

/** Installer default roots (Anaconda, Miniconda, Miniforge, Mambaforge, micromamba; macOS GUI installer uses ~/opt). */
const CONDA_ROOTS: readonly (readonly string[])[] = [
  ['miniconda3'],
  ['anaconda3'],
  ['miniforge3'],
  ['mambaforge'],
  ['micromamba'],
  ['opt', 'miniconda3'],
  ['opt', 'anaconda3'],
  ['AppData', 'Local', 'miniconda3'],
  ['AppData', 'Local', 'anaconda3'],
]

async function locateConda(ctx: DiscoveryContext): Promise<void> {
  const seen = new Set<string>()
  const report = async (dir: string, name: string): Promise<void> => {
    const real = await realOrSelf(dir)
    if (seen.has(real)) return
    seen.add(real)
    if (!(await isDir(join(dir, 'conda-meta')))) return
    await reportEnvironment(ctx, { dir, manager: 'conda', source: 'conda', name })
  }
  const roots = CONDA_ROOTS.map((r) => join(ctx.home, ...r))
  const prefix = envPath(ctx, 'CONDA_PREFIX')
  if (prefix) roots.push(prefix)
  for (const root of roots) {
    if (!(await isDir(root))) continue
    await report(root, root === prefix ? basename(root) : 'base')
    // The package cache holds unpacked copies of every package: nothing for the crawl there.
    ctx.claimDir(join(root, 'pkgs'))
    for (const env of await childDirs(ctx, join(root, 'envs'))) await report(env, basename(env))
  }
  for (const env of await childDirs(ctx, join(ctx.home, '.conda', 'envs')))
    await report(env, basename(env))
  // conda records every env it created, wherever it lives.
  const listed = await readConfig(ctx, join(ctx.home, '.conda', 'environments.txt'), 256 * 1024)
  for (const line of (listed ?? '').split(/\r?\n/).slice(0, MAX_ENVS_PER_ROOT)) {
    const p = line.trim()
    if (!p) continue
    const inside = p.startsWith(ctx.home + '/') || p.startsWith(ctx.home + '\\')
    if (inside || scanningRealHome(ctx)) await report(p, basename(p))
  }
}

// ---- pyenv ---------------------------------------------------------------------------------

async function locatePyenv(ctx: DiscoveryContext): Promise<void> {
  const root = envPath(ctx, 'PYENV_ROOT') ?? join(ctx.home, '.pyenv')
  const versionDirs = [join(root, 'versions'), join(root, 'pyenv-win', 'versions')]
  const seen = new Set<string>()
  for (const vd of versionDirs) {
    for (const v of await childDirs(ctx, vd)) {
      // pyenv-virtualenv links versions/<name> to versions/<x.y.z>/envs/<name>.
      const candidates = [v, ...(await childDirs(ctx, join(v, 'envs')))]
      for (const c of candidates) {
        const real = await realOrSelf(c)
        if (seen.has(real)) continue
        seen.add(real)
        await reportDir(ctx, c, 'pyenv', 'pyenv', basename(c))
      }
    }
  }
}

// ---- pipx and uv tools ---------------------------------------------------------------------

async function locateToolVenvs(
  ctx: DiscoveryContext,
  roots: readonly string[],
  source: string,
  manager: EnvManager,
): Promise<void> {
  const seen = new Set<string>()
  for (const root of roots) {
    const real = await realOrSelf(root)
    if (seen.has(real)) continue
    seen.add(real)
    for (const dir of await childDirs(ctx, root))
      await reportDir(ctx, dir, source, manager, basename(dir))
  }
}

function pipxRoots(ctx: DiscoveryContext): string[] {
  const b = baseDirs(ctx)
  const home = envPath(ctx, 'PIPX_HOME')
  return [
    ...(home ? [join(home, 'venvs')] : []),
    join(b.data, 'pipx', 'venvs'),
    join(ctx.home, '.local', 'share', 'pipx', 'venvs'),
    join(ctx.home, '.local', 'pipx', 'venvs'), // pipx < 1.3
    join(ctx.home, 'pipx', 'venvs'), // Windows default
  ]
}

function uvToolRoots(ctx: DiscoveryContext): string[] {
  const b = baseDirs(ctx)
  const dir = envPath(ctx, 'UV_TOOL_DIR')
  return [
    ...(dir ? [dir] : []),
    join(ctx.home, '.local', 'share', 'uv', 'tools'), // Linux and macOS (uv uses XDG paths on macOS)
    join(b.data, 'uv', 'tools'),
    join(b.appData, 'uv', 'tools'), // Windows %APPDATA%\uv\tools
  ]
}

// ---- user site and venv folders ------------------------------------------------------------

async function locateUserSite(ctx: DiscoveryContext): Promise<void> {
  const b = baseDirs(ctx)
  const found: { site: string; python: string }[] = []
  /** `version` turns the directory-name match into `3.11` (Windows writes `Python311`). */
  const scan = async (
    base: string,
    pattern: RegExp,
    rel: readonly string[],
    version: (m: RegExpExecArray) => string = (m) => m[1] ?? '',
  ): Promise<void> => {
    for (const e of await listDir(ctx, base)) {
      const m = pattern.exec(e.name)
      if (!m) continue
      const site = join(base, e.name, ...rel)
      if (await isDir(site)) found.push({ site, python: version(m) })
    }
  }
  switch (ctx.platform) {
    case 'linux':
      await scan(join(ctx.home, '.local', 'lib'), /^python(\d+\.\d+)$/, ['site-packages'])
      break
    case 'darwin':
      await scan(join(ctx.home, 'Library', 'Python'), /^(\d+\.\d+)$/, [
        'lib',
        'python',
        'site-packages',
      ])
      await scan(join(ctx.home, '.local', 'lib'), /^python(\d+\.\d+)$/, ['site-packages'])
      break
    case 'win32':
      await scan(
        join(b.appData, 'Python'),
        /^Python(\d)(\d+)$/,
        ['site-packages'],
        (m) => `${m[1]}.${m[2]}`,
      )
      break
  }
  for (const f of found) {
    const python = f.python
    // One environment per user-site directory: identity is the site-packages path.
    await reportEnvironment(ctx, {
      dir: f.site,
      manager: 'user-site',
      source: 'python-user-site',
      name: `user site (Python ${python})`,
      pythonVersion: python,
      sitePackages: [f.site],
    })
  }
}

/** Well-known folders that hold many venvs (virtualenvwrapper, pipenv, poetry, home-level .venv). */
async function locateVenvFolders(ctx: DiscoveryContext): Promise<void> {
  const b = baseDirs(ctx)
  const workon = envPath(ctx, 'WORKON_HOME')
  const folders = [
    ...(workon ? [workon] : []),
    join(ctx.home, '.virtualenvs'),
    join(b.data, 'virtualenvs'), // pipenv on Linux
    join(ctx.home, '.local', 'share', 'virtualenvs'),
    join(b.dotCache, 'pypoetry', 'virtualenvs'),
    join(b.cache, 'pypoetry', 'virtualenvs'), // poetry on macOS / Windows
    join(ctx.home, 'Envs'), // virtualenvwrapper-win
  ]
  const seen = new Set<string>()
  for (const f of folders) {
    const real = await realOrSelf(f)
    if (seen.has(real)) continue
    seen.add(real)
    for (const dir of await childDirs(ctx, f)) {
      const cfg = join(dir, 'pyvenv.cfg')
      if (await isFile(cfg)) await analyzePyvenv(cfg, ctx, 'python-venvs', undefined, basename(dir))
    }
  }
  for (const name of ['.venv', 'venv']) {
    const cfg = join(ctx.home, name, 'pyvenv.cfg')
    if (await isFile(cfg)) await analyzePyvenv(cfg, ctx, 'python-venvs')
  }
}

export const PYTHON_LOCATORS: readonly Locator[] = [
  { id: 'conda', title: 'Conda environments', locate: locateConda },
  { id: 'pyenv', title: 'pyenv Python versions', locate: locatePyenv },
  {
    id: 'pipx',
    title: 'pipx application venvs',
    locate: (ctx) => locateToolVenvs(ctx, pipxRoots(ctx), 'pipx', 'pipx'),
  },
  {
    id: 'uv-tools',
    title: 'uv tool environments',
    locate: (ctx) => locateToolVenvs(ctx, uvToolRoots(ctx), 'uv-tools', 'uv-tool'),
  },
  { id: 'python-user-site', title: 'Python user site-packages', locate: locateUserSite },
  {
    id: 'python-venvs',
    title: 'Virtualenv folders (virtualenvwrapper, pipenv, poetry)',
    locate: locateVenvFolders,
  },
]
