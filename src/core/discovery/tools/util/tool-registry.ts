import type { NewAsset } from '../../../types'
import type { DiscoveryContext } from '../../types'

/**
 * The AI tool and app assets this scan has emitted, by id (`details.tool` of a tool, `details.app`
 * of a desktop app), so that the traces locator adds its evidence to an installed tool's asset
 * instead of reporting the tool again. Keyed by the scan's context object, like handled.ts.
 */
const TOOLS = new WeakMap<DiscoveryContext, Map<string, NewAsset[]>>()

/** Emits a tool or app asset and records it under its id; returns the asset id. */
export function emitTool(ctx: DiscoveryContext, asset: NewAsset): string {
  const id = asset.details?.tool ?? asset.details?.app
  if (typeof id === 'string') {
    let byId = TOOLS.get(ctx)
    if (!byId) TOOLS.set(ctx, (byId = new Map()))
    const list = byId.get(id) ?? []
    list.push(asset)
    byId.set(id, list)
  }
  return ctx.emitAsset(asset)
}

/** Tool and app assets emitted so far for an id. */
export function recordedTools(ctx: DiscoveryContext, toolId: string): readonly NewAsset[] {
  return TOOLS.get(ctx)?.get(toolId) ?? []
}
