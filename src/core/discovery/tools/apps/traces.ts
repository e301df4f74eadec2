import { basename } from 'node:path'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, FileAnalyzer, Locator } from '../../types'
import { statQuiet } from '../../../util/fs'
import { emitTool, recordedTools } from '../util/tool-registry'
import type { TraceSpec } from './tool-traces'
import { PROJECT_TRACE_FILES, TOOL_TRACES } from './tool-traces'

/** Evidence paths listed per tool (the count is always exact). */
const MAX_LISTED = 50

type Evidence = { paths: Set<string>; lastUsed: number }

/** Evidence gathered in this scan, per tool id (keyed by the scan's context, like handled.ts). */
const EVIDENCE = new WeakMap<DiscoveryContext, Map<string, Evidence>>()

function evidenceOf(ctx: DiscoveryContext, id: string): Evidence {
  let byId = EVIDENCE.get(ctx)
  if (!byId) EVIDENCE.set(ctx, (byId = new Map()))
  let e = byId.get(id)
  if (!e) byId.set(id, (e = { paths: new Set(), lastUsed: 0 }))
  return e
}

/**
 * Adds existing trace paths to a tool's evidence and (re-)emits the asset that carries it: the
 * installed tool's or app's own asset when another locator reported one (the store merges the
 * details into it), else a `tool` asset known by its traces alone.
 */
async function addTraces(
  ctx: DiscoveryContext,
  spec: TraceSpec,
  candidates: readonly string[],
): Promise<void> {
  const e = evidenceOf(ctx, spec.id)
  let added = 0
  for (const p of candidates) {
    if (e.paths.has(p)) continue
    const st = await statQuiet(p)
    if (!st) continue
    e.paths.add(p)
    e.lastUsed = Math.max(e.lastUsed, st.mtimeMs)
    added++
  }
  if (added === 0) return
  const listed = [...e.paths].sort()
  const evidence = {
    traces: listed.slice(0, MAX_LISTED),
    traceCount: listed.length,
    lastUsed: new Date(e.lastUsed).toISOString(),
  }
  const installed = recordedTools(ctx, spec.id)
  if (installed.length > 0) {
    for (const a of installed) ctx.emitAsset({ ...a, details: { ...a.details, ...evidence } })
    return
  }
  const root = spec.root(baseDirs(ctx), ctx)
  emitTool(ctx, {
    kind: 'tool',
    path: root,
    identity: `tool:${spec.id}@${root}`,
    name: spec.name,
    source: 'traces',
    details: { tool: spec.id, installMethod: null, versionSource: null, ...evidence },
  })
}

async function locate(ctx: DiscoveryContext): Promise<void> {
  const d = baseDirs(ctx)
  for (const spec of TOOL_TRACES) await addTraces(ctx, spec, spec.traces(d, ctx))
}

/**
 * AI tools known by what they leave behind (session folders, histories, login state), also when
 * no binary or config file was found. Runs after the other tool locators so its evidence joins
 * their assets.
 */
export const toolTracesLocator: Locator = {
  id: 'tool-traces',
  title: 'AI tools known by their traces',
  locate,
}

/** Trace files in projects (aider's chat and input history), found by the crawl. */
export const PROJECT_TRACES_ANALYZER: FileAnalyzer = {
  id: 'tool-traces',
  names: [...PROJECT_TRACE_FILES.keys()],
  async analyze(path, ctx) {
    const spec = TOOL_TRACES.find((s) => s.id === PROJECT_TRACE_FILES.get(basename(path)))
    if (spec) await addTraces(ctx, spec, [path])
  },
}
