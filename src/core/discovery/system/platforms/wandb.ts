import { dirname, join } from 'node:path'
import { baseDirs, envPath } from '../../paths'
import type { DiscoveryContext, FileAnalyzer, Locator } from '../../types'
import { readConfig, readTextBounded } from '../../../util/fs'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { parseIni, sanitizeHost } from './ini'
import { parseNetrc } from './netrc'

const ENV = ['WANDB_API_KEY', 'WANDB_BASE_URL', 'WANDB_ENTITY', 'WANDB_PROJECT']

/** W&B settings: INI with a `[default]` section (base_url, entity, project, mode). */
type WandbSettings = Readonly<{
  baseUrl: string | null
  entity: string | null
  project: string | null
  mode: string | null
}>

const SETTINGS_KEYS = ['base_url', 'entity', 'project', 'mode', 'anonymous']

/** The `[default]` section of a W&B settings file; undefined for a file that is not one. */
function parseSettings(text: string): WandbSettings | undefined {
  const sec = parseIni(text).sections.find((x) => x.name === 'default')
  if (!sec || !SETTINGS_KEYS.some((k) => sec.entries.has(k))) return undefined
  const v = (k: string, max: number) => sec.entries.get(k)?.value.slice(0, max) || null
  return {
    baseUrl: sanitizeHost(sec.entries.get('base_url')?.value) ?? null,
    entity: v('entity', 100),
    project: v('project', 100),
    mode: v('mode', 20),
  }
}

/** One `ai-platform` asset per settings file, at its own path, whether or not a login exists. */
function emitSettings(
  ctx: DiscoveryContext,
  path: string,
  text: string,
  settings: WandbSettings,
  scope: string,
): string {
  return emitPlatform(ctx, {
    platform: 'wandb-settings',
    title: 'Weights & Biases settings',
    path,
    source: 'wandb',
    details: { ...settings, scope },
    texts: [{ path, text, kind: 'ini' }],
  })
}

/**
 * Weights & Biases: `wandb login` writes the API key to ~/.netrc (`machine api.wandb.ai`, Windows
 * `_netrc`) and settings (base_url, entity, project) to ~/.config/wandb/settings ($WANDB_CONFIG_DIR).
 * The settings file is an asset at its own path; the login (netrc entry or env) is another, linked
 * to its key. Only W&B machine entries are linked; other hosts in the netrc are left to the
 * secrets engine.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const envKeys = presentEnvKeys(ctx, ENV)
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  let netrcPath: string | undefined
  const hosts: string[] = []
  for (const name of ctx.platform === 'win32' ? ['_netrc', '.netrc'] : ['.netrc']) {
    const p = envPath(ctx, 'NETRC') ?? join(ctx.home, name)
    const t = await readConfig(ctx, p, 256 * 1024)
    if (t === undefined) continue
    const wandb = parseNetrc(t).filter((m) => /wandb/i.test(m.host))
    if (wandb.length === 0) break
    netrcPath = p
    hosts.push(...wandb.map((m) => m.host))
    for (const m of wandb)
      if (m.passwordLine)
        credentials.push({ path: p, line: m.passwordLine, key: 'password', profile: m.host })
    texts.push({
      path: p,
      text: t,
      kind: 'netrc',
      linkLines: (l) => wandb.some((m) => l >= m.firstLine && l <= m.lastLine),
    })
    break
  }
  const settingsPath = join(
    envPath(ctx, 'WANDB_CONFIG_DIR') ?? join(baseDirs(ctx).dotConfig, 'wandb'),
    'settings',
  )
  const settingsText = await readConfig(ctx, settingsPath, 64 * 1024)
  const settings = settingsText !== undefined ? parseSettings(settingsText) : undefined
  if (settingsText !== undefined && settings) {
    ctx.claimFile(settingsPath)
    emitSettings(ctx, settingsPath, settingsText, settings, 'user')
  }
  if (!netrcPath && envKeys.length === 0) return
  emitPlatform(ctx, {
    platform: 'wandb',
    title: 'Weights & Biases',
    path: netrcPath ?? 'env:WANDB_API_KEY',
    source: 'wandb',
    details: {
      hosts,
      baseUrl: settings?.baseUrl ?? sanitizeHost(ctx.env.WANDB_BASE_URL) ?? null,
      entity: settings?.entity ?? null,
      project: settings?.project ?? null,
      settingsFile: settings ? settingsPath : null,
    },
    texts,
    credentials,
    envKeys,
  })
}

export const WANDB_LOCATOR: Locator = { id: 'wandb', title: 'Weights & Biases login', locate }

/**
 * Project-level W&B settings (`<project>/wandb/settings`, written by `wandb init`), found by the
 * crawl; the user-level file is the locator's.
 */
export const WANDB_SETTINGS_ANALYZER: FileAnalyzer = {
  id: 'wandb-settings',
  names: ['settings'],
  accepts: (path) => /[\\/]wandb[\\/]settings$/.test(path),
  async analyze(path, ctx) {
    if (ctx.isClaimed(path)) return
    const read = await readTextBounded(path, 64 * 1024, { stripBom: true })
    const settings = read.kind === 'ok' ? parseSettings(read.text) : undefined
    if (read.kind !== 'ok' || !settings) return
    emitSettings(ctx, path, read.text, settings, `project:${dirname(dirname(path))}`)
  },
}
