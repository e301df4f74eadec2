import { join } from 'node:path'
import { baseDirs } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { envPath, readConfig } from '../fs-util'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { parseIni, sanitizeHost } from './ini'
import { parseNetrc } from './netrc'

const ENV = ['WANDB_API_KEY', 'WANDB_BASE_URL', 'WANDB_ENTITY', 'WANDB_PROJECT']

/**
 * Weights & Biases: `wandb login` writes the API key to ~/.netrc (`machine api.wandb.ai`, Windows
 * `_netrc`) and settings (base_url, entity, project) to ~/.config/wandb/settings ($WANDB_CONFIG_DIR).
 * Only W&B machine entries are linked; other hosts in the netrc are left to the secrets engine.
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
  const settings =
    settingsText !== undefined
      ? parseIni(settingsText).sections.find((s) => s.name === 'default')
      : undefined
  if (!netrcPath && !settings && envKeys.length === 0) return
  emitPlatform(ctx, {
    platform: 'wandb',
    title: 'Weights & Biases',
    path: netrcPath ?? (settings ? settingsPath : 'env:WANDB_API_KEY'),
    source: 'wandb',
    details: {
      hosts,
      baseUrl:
        sanitizeHost(settings?.entries.get('base_url')?.value ?? ctx.env.WANDB_BASE_URL) ?? null,
      entity: settings?.entries.get('entity')?.value.slice(0, 100) ?? null,
      project: settings?.entries.get('project')?.value.slice(0, 100) ?? null,
      settingsFile: settings ? settingsPath : null,
    },
    texts,
    credentials,
    envKeys,
  })
}

export const WANDB_LOCATOR: Locator = { id: 'wandb', title: 'Weights & Biases login', locate }
