import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, Locator, Platform } from '../../types'
import { listDir, readTextOrSkip } from '../../../util/fs'
import { jetbrainsAiPlugin } from './ai-extensions'

/** Where JetBrains IDEs (and Android Studio) keep `<Product><version>` dirs, per platform. */
function productRoots(
  d: BaseDirs,
  platform: Platform,
): { vendor: string; root: string; sub: string[] }[] {
  switch (platform) {
    case 'darwin':
      return [
        { vendor: 'JetBrains', root: join(d.config, 'JetBrains'), sub: ['plugins'] },
        { vendor: 'Google', root: join(d.config, 'Google'), sub: ['plugins'] },
      ]
    case 'win32':
      return [
        { vendor: 'JetBrains', root: join(d.appData, 'JetBrains'), sub: ['plugins'] },
        { vendor: 'Google', root: join(d.appData, 'Google'), sub: ['plugins'] },
      ]
    case 'linux':
      // Since 2020.1 plugins sit directly in ~/.local/share/JetBrains/<Product><ver>.
      return [
        { vendor: 'JetBrains', root: join(d.data, 'JetBrains'), sub: [] },
        { vendor: 'Google', root: join(d.data, 'Google'), sub: [] },
        { vendor: 'JetBrains', root: join(d.dotConfig, 'JetBrains'), sub: ['plugins'] },
      ]
  }
}

const PRODUCT_DIR = /^([A-Za-z][A-Za-z-]*?)(\d{4}\.\d+(?:\.\d+)?)$/

/** `<id>`, `<version>`, `<name>` of an unpacked META-INF/plugin.xml (jars are not opened). */
function pluginXml(text: string): { id?: string; version?: string; name?: string } {
  const tag = (t: string): string | undefined =>
    new RegExp(`<${t}(?:\\s[^>]*)?>\\s*([^<]{1,200}?)\\s*</${t}>`).exec(text)?.[1]
  return { id: tag('id'), version: tag('version'), name: tag('name') }
}

/** A version from a jar named after the plugin (`github-copilot-intellij-1.5.29.jar`). */
async function versionFromJars(
  ctx: DiscoveryContext,
  dir: string,
  folder: string,
): Promise<string | undefined> {
  for (const ent of await listDir(ctx, join(dir, 'lib'))) {
    const m = /^(.+?)-(\d+(?:\.\d+)+(?:[-.][0-9A-Za-z]+)*)\.jar$/.exec(ent.name)
    if (m && m[1]!.toLowerCase() === folder.toLowerCase()) return m[2]
  }
  return undefined
}

async function scanPluginsDir(
  ctx: DiscoveryContext,
  product: string,
  productVersion: string,
  dir: string,
): Promise<void> {
  for (const ent of await listDir(ctx, dir)) {
    if (!ent.isDirectory()) continue
    const pdir = join(dir, ent.name)
    const xmlText = await readTextOrSkip(ctx, join(pdir, 'META-INF', 'plugin.xml'), 1024 * 1024)
    const xml = xmlText === undefined ? {} : pluginXml(xmlText)
    const plugin = (xml.id && jetbrainsAiPlugin(xml.id)) || jetbrainsAiPlugin(ent.name)
    if (!plugin) continue
    const version = xml.version ?? (await versionFromJars(ctx, pdir, ent.name))
    ctx.emitAsset({
      kind: 'ide-extension',
      path: pdir,
      identity: `${plugin.id}@${pdir}`,
      name: xml.name ?? plugin.product,
      version,
      source: 'jetbrains',
      details: {
        editor: product,
        editorVersion: productVersion,
        extensionId: xml.id ?? plugin.id,
        product: plugin.product,
        vendor: plugin.vendor,
        folder: ent.name,
      },
    })
    ctx.claimDir(pdir)
  }
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  for (const r of productRoots(baseDirs(ctx), ctx.platform)) {
    for (const ent of await listDir(ctx, r.root)) {
      const m = PRODUCT_DIR.exec(ent.name)
      if (!ent.isDirectory() || !m) continue
      await scanPluginsDir(ctx, m[1]!, m[2]!, join(r.root, ent.name, ...r.sub))
    }
  }
}

/** AI plugins in JetBrains IDEs and Android Studio. */
export const jetbrainsPluginsLocator: Locator = {
  id: 'jetbrains-plugins',
  title: 'AI plugins in JetBrains IDEs',
  locate,
}
