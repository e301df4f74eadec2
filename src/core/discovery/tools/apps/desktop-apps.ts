import { basename, join } from 'node:path'
import { baseDirs, scanningRealHome } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import type { DetailValue } from '../../../types'
import { isDir, listDir, readHeadQuiet, readTextOrSkip, statQuiet } from '../../../util/fs'
import { appForLinuxName, AI_APPS } from './app-table'
import type { AppSpec } from './app-table'
import { compareVersions, readPackageJson } from './metadata'
import { readPlist } from './plist'
import { emitTool } from '../util/tool-registry'

function emitApp(
  ctx: DiscoveryContext,
  app: AppSpec,
  path: string,
  version: string | undefined,
  details: Record<string, DetailValue>,
): void {
  emitTool(ctx, {
    kind: 'app',
    path,
    identity: `app:${app.id}@${path}`,
    name: app.name,
    version,
    source: 'desktop-app',
    details: { app: app.id, ...details },
  })
  ctx.claimDir(path)
}

/** macOS bundles: version from Contents/Info.plist CFBundleShortVersionString (XML plists only). */
async function macApps(ctx: DiscoveryContext): Promise<void> {
  const dirs = [join(ctx.home, 'Applications'), ...(scanningRealHome(ctx) ? ['/Applications'] : [])]
  for (const dir of dirs) {
    for (const app of AI_APPS) {
      for (const bundle of app.macApps) {
        const path = join(dir, bundle)
        if (!(await isDir(path))) continue
        const plistPath = join(path, 'Contents', 'Info.plist')
        const st = await statQuiet(plistPath)
        const buf =
          st && st.size <= 1024 * 1024 ? await readHeadQuiet(plistPath, st.size) : undefined
        const plist = buf ? readPlist(buf) : { kind: 'invalid' as const }
        const strings = plist.kind === 'xml' ? plist.strings : new Map<string, string>()
        emitApp(
          ctx,
          app,
          path,
          strings.get('CFBundleShortVersionString') ?? strings.get('CFBundleVersion'),
          {
            platform: 'darwin',
            bundleId: strings.get('CFBundleIdentifier') ?? null,
            plist: plist.kind,
          },
        )
      }
    }
  }
}

const APPIMAGE_VERSION = /(\d+\.\d+\.\d+(?:[-.][0-9A-Za-z]+)?)/

/** One `[Desktop Entry]` key. */
function desktopKey(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim()
}

/** Linux: .desktop entries and AppImages in the usual download/app folders. */
async function linuxApps(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  const appImageDirs = [
    'Applications',
    'AppImages',
    'Apps',
    'apps',
    'Downloads',
    'opt',
    'bin',
    '.local/bin',
  ].map((p) => join(ctx.home, p))
  const seen = new Set<string>()
  for (const dir of appImageDirs) {
    for (const ent of await listDir(ctx, dir)) {
      if (!/\.appimage$/i.test(ent.name)) continue
      const app = appForLinuxName(ent.name)
      if (!app) continue
      const path = join(dir, ent.name)
      seen.add(path)
      emitApp(ctx, app, path, APPIMAGE_VERSION.exec(ent.name)?.[1], {
        platform: 'linux',
        install: 'appimage',
      })
    }
  }
  const desktopDirs = [
    join(d.data, 'applications'),
    ...(scanningRealHome(ctx) ? ['/usr/share/applications'] : []),
  ]
  for (const dir of desktopDirs) {
    for (const ent of await listDir(ctx, dir)) {
      if (!ent.name.endsWith('.desktop')) continue
      const file = join(dir, ent.name)
      const text = await readTextOrSkip(ctx, file, 256 * 1024)
      if (text === undefined) continue
      const name = desktopKey(text, 'Name') ?? ''
      const app = appForLinuxName(name) ?? appForLinuxName(basename(ent.name, '.desktop'))
      if (!app) continue
      const exec = desktopKey(text, 'Exec')
        ?.replace(/^"([^"]+)".*$/, '$1')
        .split(/\s+/)[0]
      const target = exec && /\.appimage$/i.test(exec) ? exec : undefined
      if (target && seen.has(target)) continue
      const version =
        desktopKey(text, 'X-AppImage-Version') ??
        (target ? APPIMAGE_VERSION.exec(basename(target))?.[1] : undefined)
      emitApp(ctx, app, target ?? file, version, {
        platform: 'linux',
        install: target ? 'appimage' : 'desktop-entry',
        desktopFile: file,
        exec: exec ?? null,
      })
    }
  }
}

/** Windows: %LOCALAPPDATA%\Programs\<App> (Electron apps), Squirrel `app-<ver>` dirs. */
async function windowsApps(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  for (const app of AI_APPS) {
    for (const rel of app.win) {
      const path = join(d.localAppData, ...rel.split('/'))
      if (!(await isDir(path))) continue
      let version = (await readPackageJson(ctx, join(path, 'resources', 'app')))?.version
      if (!version) {
        const squirrel = (await listDir(ctx, path))
          .map((e) => /^app-(\d+\.\d+\.\d+.*)$/.exec(e.name)?.[1])
          .filter((v): v is string => v !== undefined)
          .sort(compareVersions)
        version = squirrel[squirrel.length - 1]
      }
      emitApp(ctx, app, path, version, { platform: 'win32', install: 'per-user' })
    }
  }
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  switch (ctx.platform) {
    case 'darwin':
      return macApps(ctx)
    case 'linux':
      return linuxApps(ctx)
    case 'win32':
      return windowsApps(ctx)
  }
}

/** AI desktop apps: Claude, ChatGPT, LM Studio, Jan, Msty, Cursor, Windsurf, Ollama, ... */
export const desktopAppsLocator: Locator = { id: 'desktop-apps', title: 'AI desktop apps', locate }
