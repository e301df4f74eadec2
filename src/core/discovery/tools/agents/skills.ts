import { basename, extname, join } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { DetailValue } from '../../../types'
import { listDir, readTextOrSkip } from '../../../util/fs'
import { markHandled } from '../util/handled'
import { injectionMarkers } from './injection'
import type { Marker } from './injection'
import { frontMatter, MAX_INSTRUCTION_BYTES, reportMarkers } from './instructions'

const SCRIPT_EXT = new Set([
  '.sh',
  '.bash',
  '.zsh',
  '.py',
  '.js',
  '.mjs',
  '.cjs',
  '.ts',
  '.ps1',
  '.rb',
  '.pl',
])
const TEXT_EXT = new Set(['.md', '.mdc', '.txt', '.markdown'])
/** A skill is a small folder; listing stops here so a runaway folder cannot stall discovery. */
const MAX_SKILL_ENTRIES = 200

/**
 * One skill folder (`<skills>/<name>/SKILL.md` plus scripts and references): an `agent-config`
 * asset recording what it can do (allowed tools, bundled scripts) and injection findings for
 * every text file in it.
 */
export async function analyzeSkillDir(
  ctx: DiscoveryContext,
  dir: string,
  client: string,
  scope: string,
): Promise<void> {
  const skillMd = join(dir, 'SKILL.md')
  const text = await readTextOrSkip(ctx, skillMd, MAX_INSTRUCTION_BYTES)
  if (text === undefined) return
  markHandled(ctx, skillMd)
  const fm = frontMatter(text)
  const scripts: string[] = []
  const texts: string[] = []
  let entries = 0
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const ent of await listDir(ctx, d)) {
      if (++entries > MAX_SKILL_ENTRIES) return
      const p = join(d, ent.name)
      if (ent.isDirectory() && depth < 2) await walk(p, depth + 1)
      else if (ent.isFile()) {
        const ext = extname(ent.name).toLowerCase()
        if (SCRIPT_EXT.has(ext)) scripts.push(p.slice(dir.length + 1))
        else if (TEXT_EXT.has(ext) && p !== skillMd) texts.push(p)
      }
    }
  }
  await walk(dir, 0)
  const found: [string, Marker[]][] = [[skillMd, injectionMarkers(text)]]
  for (const p of texts.slice(0, 20)) {
    const t = await readTextOrSkip(ctx, p, MAX_INSTRUCTION_BYTES)
    if (t !== undefined) found.push([p, injectionMarkers(t)])
  }
  const markerKinds = [...new Set(found.flatMap(([, ms]) => ms.map((m) => m.kind)))]
  const tools = fm['allowed-tools'] ?? fm.tools
  const details: Record<string, DetailValue> = {
    client,
    type: 'skill',
    scope,
    description: fm.description ?? null,
    allowedTools: tools ? tools.split(/,\s*/).filter(Boolean).slice(0, 50) : [],
    scripts: scripts.slice(0, 50),
    hasScripts: scripts.length > 0,
  }
  if (markerKinds.length > 0) details.injectionMarkers = markerKinds
  const assetId = ctx.emitAsset({
    kind: 'agent-config',
    path: dir,
    name: fm.name ?? basename(dir),
    source: client,
    details,
  })
  for (const [p, ms] of found) {
    reportMarkers(ctx, ms, p, assetId, `${client} skill "${fm.name ?? basename(dir)}"`)
    markHandled(ctx, p)
  }
}

/** Every `<root>/<name>/SKILL.md` folder under a skills directory. */
export async function analyzeSkillsRoot(
  ctx: DiscoveryContext,
  root: string,
  client: string,
  scope: string,
): Promise<void> {
  for (const ent of await listDir(ctx, root)) {
    if (ent.isDirectory()) await analyzeSkillDir(ctx, join(root, ent.name), client, scope)
  }
}
