import { basename, dirname, isAbsolute, join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import type { DetailValue } from '../../../types'
import { isInside, listDir, readHeadQuiet, realpathQuiet } from '../../../util/fs'
import { compareVersions, distInfos, owningNpmPackage, readPackageJson } from './metadata'
import type { PackageJson } from './metadata'
import { toolForBinary } from './tool-table'
import type { ToolSpec } from './tool-table'
import { runVersionCommand } from './version-command'
import { emitTool } from '../util/tool-registry'

/** Install dirs probed even when they are not on PATH (inside the scanned home). */
function knownDirs(d: BaseDirs, ctx: DiscoveryContext): string[] {
  const dirs = [
    join(d.home, '.local', 'bin'),
    join(d.home, 'bin'),
    join(d.home, '.lmstudio', 'bin'),
    join(d.home, '.cache', 'lm-studio', 'bin'),
    join(d.home, '.npm-global', 'bin'),
    join(d.home, '.bun', 'bin'),
    join(d.home, '.volta', 'bin'),
    join(d.home, '.cargo', 'bin'),
    join(d.home, '.claude', 'local'),
    join(d.home, '.opencode', 'bin'),
  ]
  if (ctx.platform === 'win32')
    dirs.push(
      join(d.localAppData, 'Programs', 'Ollama'),
      join(d.appData, 'npm'),
      join(d.localAppData, 'Microsoft', 'WinGet', 'Links'),
    )
  if (scanningRealHome(ctx) && ctx.platform !== 'win32')
    dirs.push('/usr/local/bin', '/opt/homebrew/bin', '/usr/bin', '/snap/bin')
  return dirs
}

/**
 * PATH from the scanning context (process env merged with shell rc exports). With a `--home` fake
 * home only entries inside it are probed, so tests control PATH through env and a fake-home scan
 * never lists the scanning machine's own binaries.
 */
export function searchDirs(ctx: DiscoveryContext): string[] {
  const raw = ctx.env.PATH ?? ctx.env.Path ?? ''
  const fromPath = raw
    .split(ctx.platform === 'win32' ? ';' : ':')
    .map((p) => p.trim().replace(/^"|"$/g, ''))
    .filter((p) => p !== '' && isAbsolute(p))
  const real = scanningRealHome(ctx)
  const all = [
    ...fromPath.filter((p) => real || isInside(p, ctx.home)),
    ...knownDirs(baseDirs(ctx), ctx),
  ]
  return [...new Set(all)]
}

type Resolved = {
  identity: string
  path: string
  version?: string
  installMethod: string
  versionSource: 'metadata' | 'command' | null
}

const NATIVE_CLAUDE = /^(.*[\\/]claude[\\/]versions)[\\/]([^\\/]+)/
const CELLAR = /^(.*[\\/]Cellar[\\/][^\\/]+)[\\/]([^\\/]+)[\\/]/

/** The interpreter a console script runs with (`#!/path/python` or `#!/usr/bin/env python`). */
async function shebangInterpreter(path: string): Promise<string | undefined> {
  const head = await readHeadQuiet(path, 256)
  if (!head || head[0] !== 0x23 || head[1] !== 0x21) return undefined
  const first = head.toString('utf8').split('\n')[0]!.slice(2).trim()
  const interp = first.split(/\s+/)[0]
  return interp && /python/i.test(basename(interp)) && isAbsolute(interp) ? interp : undefined
}

/**
 * npm shims that are not symlinks (Windows `<prefix>/gemini.cmd`, copied launchers): the package
 * sits next to them in `<prefix>/node_modules` (Windows) or `<prefix>/../lib/node_modules`.
 */
async function npmShimOwner(
  ctx: DiscoveryContext,
  bin: string,
  names: readonly string[],
): Promise<{ dir: string; pkg: PackageJson } | undefined> {
  const dir = dirname(bin)
  for (const name of names) {
    for (const candidate of [
      join(dir, 'node_modules', name),
      join(dir, '..', 'lib', 'node_modules', name),
    ]) {
      const pkg = await readPackageJson(ctx, candidate)
      if (pkg?.name === name) return { dir: candidate, pkg }
    }
  }
  return undefined
}

/** Version from install metadata, never by running the binary. */
async function resolveStatically(
  ctx: DiscoveryContext,
  spec: ToolSpec,
  bin: string,
  real: string,
): Promise<Resolved> {
  const native = spec.id === 'claude-code' ? NATIVE_CLAUDE.exec(real) : null
  if (native)
    return {
      identity: `tool:claude-code@${native[1]}`,
      path: native[1]!,
      version: native[2],
      installMethod: 'native',
      versionSource: 'metadata',
    }
  const cellar = CELLAR.exec(real)
  if (cellar)
    return {
      identity: `tool:${spec.id}@${cellar[1]}`,
      path: cellar[1]!,
      version: cellar[2],
      installMethod: 'homebrew',
      versionSource: 'metadata',
    }
  if (spec.npm) {
    const owner =
      (await owningNpmPackage(ctx, real, spec.npm)) ?? (await npmShimOwner(ctx, bin, spec.npm))
    if (owner)
      return {
        identity: `tool:${spec.id}@${owner.dir}`,
        path: owner.dir,
        version: owner.pkg.version,
        installMethod: 'npm-global',
        versionSource: owner.pkg.version ? 'metadata' : null,
      }
  }
  if (spec.pypi) {
    const interp = await shebangInterpreter(real)
    const venvs = [
      ...new Set([interp ? dirname(dirname(interp)) : undefined, dirname(dirname(real))]),
    ]
    for (const venv of venvs) {
      if (!venv) continue
      const dist = (await distInfos(ctx, venv, spec.pypi))[0]
      if (dist)
        return {
          identity: `tool:${spec.id}@${venv}`,
          path: venv,
          version: dist.version,
          installMethod: 'python',
          versionSource: 'metadata',
        }
    }
  }
  const appImage = /-(\d+\.\d+\.\d+[^-]*)[-.].*AppImage$/i.exec(basename(real))
  return {
    identity: `tool:${spec.id}@${real}`,
    path: bin,
    version: appImage?.[1],
    installMethod: 'binary',
    versionSource: appImage ? 'metadata' : null,
  }
}

const EXE_SUFFIX = /\.(exe|cmd|bat|ps1)$/i

async function locate(ctx: DiscoveryContext): Promise<void> {
  const seen = new Set<string>()
  for (const dir of searchDirs(ctx)) {
    for (const ent of await listDir(ctx, dir)) {
      if (ent.isDirectory()) continue
      if (ctx.platform !== 'win32' && EXE_SUFFIX.test(ent.name)) continue
      const spec = toolForBinary(ent.name)
      if (!spec) continue
      const bin = join(dir, ent.name)
      const real = (await realpathQuiet(bin)) ?? bin
      if (seen.has(real)) continue
      seen.add(real)
      const r = await resolveStatically(ctx, spec, bin, real)
      if (!r.version && ctx.runVersionCommands) {
        r.version = await runVersionCommand(bin, spec.versionArg)
        if (r.version) r.versionSource = 'command'
      }
      const details: Record<string, DetailValue> = {
        tool: spec.id,
        binary: ent.name.replace(EXE_SUFFIX, ''),
        binPath: bin,
        resolvedPath: real,
        installMethod: r.installMethod,
        versionSource: r.versionSource,
      }
      emitTool(ctx, {
        kind: 'tool',
        path: r.path,
        identity: r.identity,
        name:
          spec.binaries.length > 1 && spec.id === 'llama.cpp'
            ? `${spec.name} (${details.binary})`
            : spec.name,
        version: r.version,
        source: 'path',
        details,
      })
    }
  }
}

/** AI CLIs on PATH and in known install dirs, versioned from metadata (`--version` only if asked). */
export const binariesLocator: Locator = {
  id: 'ai-binaries',
  title: 'AI command-line tools on PATH',
  locate,
}

async function locateClaudeNative(ctx: DiscoveryContext): Promise<void> {
  const dir = join(ctx.home, '.local', 'share', 'claude', 'versions')
  const versions = (await listDir(ctx, dir))
    .map((e) => e.name)
    .filter((n) => /^\d+\.\d+\.\d+/.test(n))
    .sort(compareVersions)
  const latest = versions[versions.length - 1]
  if (!latest) return
  emitTool(ctx, {
    kind: 'tool',
    path: dir,
    identity: `tool:claude-code@${dir}`,
    name: 'Claude Code',
    version: latest,
    source: 'claude-native',
    details: {
      tool: 'claude-code',
      installMethod: 'native',
      versionsInstalled: versions,
      versionSource: 'metadata',
    },
  })
  ctx.claimDir(dir)
}

/** Claude Code native installs (`~/.local/share/claude/versions/<ver>`). */
export const claudeNativeLocator: Locator = {
  id: 'claude-code-native',
  title: 'Claude Code native install',
  locate: locateClaudeNative,
}
