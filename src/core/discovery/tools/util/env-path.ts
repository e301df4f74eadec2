import type { DiscoveryContext } from '../../types'
import { isInside } from '../../../util/fs'
import { scanningRealHome } from './fs'

/**
 * An env override (CODEX_HOME, COPILOT_HOME, LLM_USER_PATH, ...) is honoured only when it points
 * inside the scanned home or when scanning the real home, so a `--home` scan never wanders off.
 */
export function envDir(ctx: DiscoveryContext, name: string): string | undefined {
  const v = ctx.env[name]
  if (!v) return undefined
  return isInside(v, ctx.home) || scanningRealHome(ctx) ? v : undefined
}
