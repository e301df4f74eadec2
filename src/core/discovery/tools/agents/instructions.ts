import { basename } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { DetailValue } from '../../../types'
import { readTextOrSkip } from '../../../util/fs'
import { markHandled } from '../util/handled'
import { describeMarker, injectionMarkers, isHiddenKind } from './injection'
import type { Marker } from './injection'

export const MAX_INSTRUCTION_BYTES = 1024 * 1024

export type AgentConfigType =
  'instructions' | 'rules' | 'skill' | 'command' | 'subagent' | 'settings' | 'hooks'

export type AgentFileMeta = Readonly<{
  client: string
  type: AgentConfigType
  scope: string
}>

/** Emits the prompt-injection findings of one text file. */
export function reportMarkers(
  ctx: DiscoveryContext,
  markers: readonly Marker[],
  path: string,
  assetId: string | undefined,
  what: string,
): void {
  for (const m of markers) {
    const hidden = isHiddenKind(m.kind)
    ctx.emitFinding({
      ruleId: hidden ? 'agent.prompt-injection-marker' : 'agent.suspicious-instruction',
      severity: hidden && m.kind !== 'unicode-tags' ? 'medium' : undefined,
      message: `${what} contains ${describeMarker(m)}`,
      path,
      line: m.line,
      assetId,
    })
  }
}

/** Tools a markdown file with YAML-ish front matter grants (`allowed-tools`, `tools`). */
export function frontMatter(text: string): Record<string, string> {
  const m = /^---\r?\n([\s\S]{0,8000}?)\r?\n---/.exec(text)
  if (!m) return {}
  const out: Record<string, string> = {}
  for (const line of m[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line)
    if (kv)
      out[kv[1]!] = kv[2]!
        .trim()
        .replace(/^["']|["']$/g, '')
        .slice(0, 300)
  }
  return out
}

/** One instruction / rules / command file: an `agent-config` asset plus injection findings. */
export async function analyzeInstructionFile(
  ctx: DiscoveryContext,
  path: string,
  meta: AgentFileMeta,
): Promise<string | undefined> {
  const text = await readTextOrSkip(ctx, path, MAX_INSTRUCTION_BYTES)
  if (text === undefined) return undefined
  markHandled(ctx, path)
  const fm = frontMatter(text)
  const markers = injectionMarkers(text)
  const details: Record<string, DetailValue> = {
    client: meta.client,
    type: meta.type,
    scope: meta.scope,
    bytes: Buffer.byteLength(text),
    lines: text.split('\n').length,
  }
  if (fm.description) details.description = fm.description
  const tools = fm['allowed-tools'] ?? fm.tools
  if (tools) details.allowedTools = tools.split(/,\s*/).filter(Boolean).slice(0, 50)
  if (fm.model) details.model = fm.model
  if (fm.globs) details.globs = fm.globs
  if (fm.alwaysApply) details.alwaysApply = fm.alwaysApply === 'true'
  if (markers.length > 0) details.injectionMarkers = [...new Set(markers.map((m) => m.kind))]
  const assetId = ctx.emitAsset({
    kind: 'agent-config',
    path,
    name: fm.name ?? basename(path),
    source: meta.client,
    details,
  })
  reportMarkers(ctx, markers, path, assetId, `${meta.client} ${meta.type} file`)
  return assetId
}
