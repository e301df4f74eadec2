import type { DiscoveryContext } from '../../types'

/**
 * Config and instruction files are small; anything bigger is skipped rather than read whole.
 * (The bounded fs helpers themselves are in src/core/util/fs.ts.)
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/**
 * Scanning the user's own home (not a `--home` fake one): only then are system-wide dirs such as
 * /usr/local/bin or /Applications probed, so a fake-home scan reports only what was planted.
 */
export function scanningRealHome(ctx: DiscoveryContext): boolean {
  const h = ctx.platform === 'win32' ? (ctx.env.USERPROFILE ?? ctx.env.HOME) : ctx.env.HOME
  return h !== undefined && h.replace(/[\\/]+$/, '') === ctx.home.replace(/[\\/]+$/, '')
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** First line containing `needle` (1-based), or undefined. */
export function lineOf(text: string, needle: string): number | undefined {
  const i = text.indexOf(needle)
  return i < 0 ? undefined : lineAt(text, i)
}
