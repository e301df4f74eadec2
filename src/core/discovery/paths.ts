import { join } from 'node:path'
import type { DiscoveryContext, Platform } from './types'

/**
 * Per-platform base directories, resolved relative to the scanned home so `--home` and a platform
 * override give the same answers as on the real OS. Env overrides (XDG_*, APPDATA, LOCALAPPDATA)
 * apply only when they point inside the scanned home or when scanning the real home.
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

export function baseDirs(ctx: Pick<DiscoveryContext, 'home' | 'platform' | 'env'>): BaseDirs {
  const { home, platform, env } = ctx
  const inHome = (v: string | undefined): string | undefined =>
    v && (v === home || v.startsWith(home + '/') || v.startsWith(home + '\\')) ? v : undefined
  const dotConfig = inHome(env.XDG_CONFIG_HOME) ?? join(home, '.config')
  const dotCache = inHome(env.XDG_CACHE_HOME) ?? join(home, '.cache')
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
      const appData = inHome(env.APPDATA) ?? join(home, 'AppData', 'Roaming')
      const localAppData = inHome(env.LOCALAPPDATA) ?? join(home, 'AppData', 'Local')
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
      const data = inHome(env.XDG_DATA_HOME) ?? join(home, '.local', 'share')
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
