import type { Stats } from 'node:fs'
import { statSync } from 'node:fs'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { emitTool, recordedTools } from '../util/tool-registry'
import type { TraceSpec } from './tool-traces'
import { TOOL_TRACES } from './tool-traces'

/** Evidence paths listed per tool (the count is always exact). */
const MAX_LISTED = 50

/**
 * A stat the scan does not record as this locator's dependency (the shared fs helpers would). The
 * evidence joins the assets other tool locators emitted in the same scan, so this locator is
 * re-run only with them, by a full scan: a scan scoped to a changed session file must not re-run
 * it alone, without the installed tools to join.
 */
function statUnrecorded(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}

/**
 * The tool's evidence, on the asset that carries it: the installed tool's or app's own asset when
 * another locator reported one (the store merges the details into it), else a `tool` asset known
 * by its traces alone.
 */
function reportTraces(ctx: DiscoveryContext, spec: TraceSpec, candidates: readonly string[]): void {
  const found: string[] = []
  let lastUsed = 0
  for (const p of new Set(candidates)) {
    const st = statUnrecorded(p)
    if (!st) continue
    found.push(p)
    lastUsed = Math.max(lastUsed, st.mtimeMs)
  }
  if (found.length === 0) return
  found.sort()
  const evidence = {
    traces: found.slice(0, MAX_LISTED),
    traceCount: found.length,
    lastUsed: new Date(lastUsed).toISOString(),
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
  for (const spec of TOOL_TRACES) reportTraces(ctx, spec, spec.traces(d, ctx))
}

/**
 * AI tools known by what they leave behind (session folders, histories, login state), also when
 * no binary or config file was found. Runs after the other tool locators so its evidence joins
 * their assets (see statUnrecorded).
 */
export const toolTracesLocator: Locator = {
  id: 'tool-traces',
  title: 'AI tools known by their traces',
  locate,
}
