import type { Dirent } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isDir, readTextOrSkip } from '../../util/fs'
import type { DiscoveryContext } from '../types'

/** Config files (INI, TOML, YAML, JSON) larger than this are not read: they are not hand-written configs. */
export const CONFIG_CAP_BYTES = 1024 * 1024

/**
 * Reads a config file (at most `cap` bytes, BOM dropped) and reports a skipped entry for anything
 * but success or absence, so a locator can simply continue with `undefined`.
 */
export async function readConfig(
  ctx: DiscoveryContext,
  path: string,
  cap = CONFIG_CAP_BYTES,
): Promise<string | undefined> {
  return readTextOrSkip(ctx, path, cap, { stripBom: true })
}

/** A directory entry that is a directory, or a symlink to one (conda/pyenv envs are sometimes linked). */
export async function isDirEntry(parent: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true
  if (d.isSymbolicLink()) return isDir(join(parent, d.name))
  return false
}

/**
 * Whether the scan targets the real home of this process. Machine-wide probes (/usr/local/cuda,
 * /proc) and env paths outside the home only make sense then; a `--home` scan of a fake or
 * copied home must not mix in facts of the scanning machine.
 */
export function isRealHome(ctx: Pick<DiscoveryContext, 'home'>): boolean {
  return ctx.home === homedir()
}

/** An env override path, used only inside the scanned home or when scanning the real home. */
export function envPath(
  ctx: Pick<DiscoveryContext, 'home' | 'env'>,
  name: string,
): string | undefined {
  const value = ctx.env[name]
  if (!value) return undefined
  if (isRealHome(ctx)) return value
  const h = ctx.home
  return value === h || value.startsWith(h + '/') || value.startsWith(h + '\\') ? value : undefined
}
