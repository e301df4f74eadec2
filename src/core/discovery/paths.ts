import { isAbsolute, join } from 'node:path'
import { isInside } from '../util/fs'
import type { DiscoveryContext, Platform } from './types'

type HomeAndEnv = Pick<DiscoveryContext, 'home' | 'env' | 'platform'>

/**
 * Whether the scan targets the home of the user running it, rather than a `--home` (a mounted
 * disk, a copied or fake home): the scanning environment's own home (HOME, or USERPROFILE on
 * Windows) is the scanned one. Only then are machine-wide places probed (/usr/local/bin,
 * /Applications, /usr/local/cuda, managed configs under /etc) and env overrides pointing outside
 * the home honoured, so a `--home` scan never mixes in facts of the scanning machine.
 */
export function scanningRealHome(ctx: HomeAndEnv): boolean {
  const norm = (p: string): string => {
    const t = p.replace(/[\\/]+$/, '')
    return ctx.platform === 'win32' ? t.toLowerCase() : t
  }
  const home = norm(ctx.home)
  return [ctx.env.HOME, ctx.env.USERPROFILE].some((h) => !!h && norm(h) === home)
}

/** A path an override names is honoured inside the scanned home, or anywhere on the real home. */
export function overrideAllowed(ctx: HomeAndEnv, path: string): boolean {
  return isInside(path, ctx.home) || scanningRealHome(ctx)
}

/**
 * An env override that names a file or directory (`HF_HOME`, `CODEX_HOME`, `KUBECONFIG` entries,
 * ...). `~` is expanded against the scanned home; a relative value names nothing; a value outside
 * the scanned home is used only on the real home (see overrideAllowed).
 */
export function envPath(ctx: HomeAndEnv, name: string): string | undefined {
  let v = ctx.env[name]?.trim()
  if (!v) return undefined
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) v = join(ctx.home, v.slice(1))
  if (!isAbsolute(v) && !/^[A-Za-z]:[\\/]/.test(v)) return undefined
  return overrideAllowed(ctx, v) ? v : undefined
}

/**
 * Per-platform base directories, resolved relative to the scanned home so `--home` and a platform
 * override give the same answers as on the real OS. Env overrides (XDG_*, APPDATA, LOCALAPPDATA)
 * apply like every other override (see envPath).
 */
export type BaseDirs = Readonly<{
  home: string
  /** Linux `$XDG_CONFIG_HOME` (~/.config), macOS ~/Library/Application Support, Windows %APPDATA%. */
  config: string
  /** Linux `$XDG_DATA_HOME` (~/.local/share), macOS ~/Library/Application Support, Windows %LOCALAPPDATA%. */
  data: string
  /** Linux `$XDG_CACHE_HOME` (~/.cache), macOS ~/Library/Caches, Windows %LOCALAPPDATA%. */
  cache: string
  /** Windows %APPDATA% (Roaming); elsewhere the same as config. */
  appData: string
  /** Windows %LOCALAPPDATA%; elsewhere the same as data. */
  localAppData: string
  /** XDG-style ~/.config on every platform (many CLI tools use it even on macOS). */
  dotConfig: string
  /** XDG-style ~/.cache on every platform (HF, torch, pip use it on macOS too). */
  dotCache: string
}>

export function baseDirs(ctx: HomeAndEnv): BaseDirs {
  const { home, platform } = ctx
  const dotConfig = envPath(ctx, 'XDG_CONFIG_HOME') ?? join(home, '.config')
  const dotCache = envPath(ctx, 'XDG_CACHE_HOME') ?? join(home, '.cache')
  switch (platform) {
    case 'darwin': {
      const support = join(home, 'Library', 'Application Support')
      return {
        home,
        config: support,
        data: support,
        cache: join(home, 'Library', 'Caches'),
        appData: support,
        localAppData: support,
        dotConfig,
        dotCache,
      }
    }
    case 'win32': {
      const appData = envPath(ctx, 'APPDATA') ?? join(home, 'AppData', 'Roaming')
      const localAppData = envPath(ctx, 'LOCALAPPDATA') ?? join(home, 'AppData', 'Local')
      return {
        home,
        config: appData,
        data: localAppData,
        cache: localAppData,
        appData,
        localAppData,
        dotConfig,
        dotCache,
      }
    }
    case 'linux': {
      const data = envPath(ctx, 'XDG_DATA_HOME') ?? join(home, '.local', 'share')
      return {
        home,
        config: dotConfig,
        data,
        cache: dotCache,
        appData: dotConfig,
        localAppData: data,
        dotConfig,
        dotCache,
      }
    }
  }
}

export function currentPlatform(): Platform {
  return process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'win32' : 'linux'
}
