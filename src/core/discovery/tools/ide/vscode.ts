import { join } from 'node:path'
import type { BaseDirs } from '../../paths'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { CONFIG_CAP_BYTES, listDir, readTextOrSkip } from '../../../util/fs'
import { isObj, obj, parseConfig, str } from '../util/parse'
import { vscodeAiExtension } from './ai-extensions'

/** Every VS Code-family extensions directory (desktop forks and remote/server installs). */
export const VSCODE_EXTENSION_DIRS: readonly Readonly<{
  editor: string
  dir: (d: BaseDirs) => string
}>[] = [
  { editor: 'vscode', dir: (d) => join(d.home, '.vscode', 'extensions') },
  { editor: 'vscode-insiders', dir: (d) => join(d.home, '.vscode-insiders', 'extensions') },
  { editor: 'vscodium', dir: (d) => join(d.home, '.vscode-oss', 'extensions') },
  { editor: 'cursor', dir: (d) => join(d.home, '.cursor', 'extensions') },
  { editor: 'windsurf', dir: (d) => join(d.home, '.windsurf', 'extensions') },
  { editor: 'windsurf-next', dir: (d) => join(d.home, '.windsurf-next', 'extensions') },
  { editor: 'kiro', dir: (d) => join(d.home, '.kiro', 'extensions') },
  { editor: 'antigravity', dir: (d) => join(d.home, '.antigravity', 'extensions') },
  { editor: 'trae', dir: (d) => join(d.home, '.trae', 'extensions') },
  { editor: 'positron', dir: (d) => join(d.home, '.positron', 'extensions') },
  { editor: 'vscode-server', dir: (d) => join(d.home, '.vscode-server', 'extensions') },
  {
    editor: 'vscode-server-insiders',
    dir: (d) => join(d.home, '.vscode-server-insiders', 'extensions'),
  },
  { editor: 'cursor-server', dir: (d) => join(d.home, '.cursor-server', 'extensions') },
  { editor: 'windsurf-server', dir: (d) => join(d.home, '.windsurf-server', 'extensions') },
]

/** `<publisher>.<name>-<version>[-<os>-<arch>]` */
const DIR_NAME =
  /^([A-Za-z0-9][A-Za-z0-9-]*)\.([A-Za-z0-9][A-Za-z0-9._-]*?)-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)(?:-((?:win32|linux|darwin|alpine|web)-[A-Za-z0-9]+))?$/

export function parseExtensionDirName(
  name: string,
): { id: string; version: string; target?: string } | undefined {
  const m = DIR_NAME.exec(name)
  if (!m) return undefined
  return { id: `${m[1]}.${m[2]}`.toLowerCase(), version: m[3]!, target: m[4] }
}

/** `extensions.json` (VS Code ≥1.74): relativeLocation → id/version, the source of truth when present. */
async function manifestIndex(
  ctx: DiscoveryContext,
  dir: string,
): Promise<Map<string, { id: string; version?: string }>> {
  const out = new Map<string, { id: string; version?: string }>()
  const text = await readTextOrSkip(ctx, join(dir, 'extensions.json'), CONFIG_CAP_BYTES)
  if (text === undefined) return out
  const parsed = parseConfig(text, 'json')
  if (!parsed.ok || !Array.isArray(parsed.value)) return out
  for (const e of parsed.value) {
    if (!isObj(e)) continue
    const id = str(obj(e.identifier).id)
    const rel = str(e.relativeLocation)
    if (id && rel) out.set(rel, { id: id.toLowerCase(), version: str(e.version) })
  }
  return out
}

/** Dirs VS Code marked for deletion after an update (`.obsolete`), which are not installed. */
async function obsolete(ctx: DiscoveryContext, dir: string): Promise<Set<string>> {
  const text = await readTextOrSkip(ctx, join(dir, '.obsolete'), 1024 * 1024)
  if (text === undefined) return new Set()
  const parsed = parseConfig(text, 'json')
  return new Set(parsed.ok && isObj(parsed.value) ? Object.keys(parsed.value) : [])
}

async function scanExtensionsDir(
  ctx: DiscoveryContext,
  editor: string,
  dir: string,
): Promise<void> {
  const entries = await listDir(ctx, dir)
  if (entries.length === 0) return
  const index = await manifestIndex(ctx, dir)
  const gone = await obsolete(ctx, dir)
  for (const ent of entries) {
    if (!ent.isDirectory() || gone.has(ent.name)) continue
    const fromName = parseExtensionDirName(ent.name)
    const known = index.get(ent.name)
    const id = known?.id ?? fromName?.id
    if (!id) continue
    const ai = vscodeAiExtension(id)
    if (!ai) continue
    const extDir = join(dir, ent.name)
    const pkgText = await readTextOrSkip(ctx, join(extDir, 'package.json'), 2 * 1024 * 1024)
    const pkg = pkgText === undefined ? undefined : parseConfig(pkgText, 'json')
    const p = pkg?.ok ? obj(pkg.value) : {}
    const displayName = str(p.displayName)
    ctx.emitAsset({
      kind: 'ide-extension',
      path: extDir,
      identity: `${id}@${extDir}`,
      // `%displayName%` placeholders come from package.nls.json; the table name reads better.
      name: displayName && !displayName.startsWith('%') ? displayName : ai.product,
      version: str(p.version) ?? known?.version ?? fromName?.version,
      source: editor,
      details: {
        editor,
        extensionId: id,
        product: ai.product,
        vendor: ai.vendor,
        extensionsDir: dir,
        target: fromName?.target ?? null,
      },
    })
    ctx.claimDir(extDir)
  }
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  for (const e of VSCODE_EXTENSION_DIRS) await scanExtensionsDir(ctx, e.editor, e.dir(d))
}

/** AI assistant extensions in every VS Code-family editor. */
export const vscodeExtensionsLocator: Locator = {
  id: 'vscode-extensions',
  title: 'AI extensions in VS Code-family editors',
  locate,
}
