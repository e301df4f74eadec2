import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type CredentialKey } from './emit'
import { keyLines } from './ini'
import { isTable, parseTomlSafe } from './toml-profiles'
import { envPath } from '../../paths'
import { readConfig } from '../../../util/fs'

const ENV = ['MODAL_TOKEN_ID', 'MODAL_TOKEN_SECRET', 'MODAL_PROFILE', 'MODAL_ENVIRONMENT']

/** ~/.modal.toml ($MODAL_CONFIG_PATH): one table per profile with token_id/token_secret, `active`, `environment`. */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const path = envPath(ctx, 'MODAL_CONFIG_PATH') ?? join(ctx.home, '.modal.toml')
  const envKeys = presentEnvKeys(ctx, ENV)
  const text = await readConfig(ctx, path)
  if (text === undefined && envKeys.length === 0) return
  const profiles: {
    name: string
    active: boolean
    environment: string | null
    hasToken: boolean
  }[] = []
  const credentials: CredentialKey[] = []
  if (text !== undefined) {
    const doc = parseTomlSafe(text)
    if (doc.kind === 'invalid')
      ctx.emitSkipped({ path, reason: 'error', message: `invalid TOML: ${doc.message}` })
    else
      for (const [name, v] of Object.entries(doc.doc).slice(0, 100)) {
        if (!isTable(v)) continue
        profiles.push({
          name: name.slice(0, 100),
          active: v.active === true,
          environment: typeof v.environment === 'string' ? v.environment.slice(0, 100) : null,
          hasToken: typeof v.token_secret === 'string' && v.token_secret !== '',
        })
      }
    for (const k of keyLines(text, /^token_secret$/)) credentials.push({ path, ...k })
  }
  emitPlatform(ctx, {
    platform: 'modal',
    title: 'Modal',
    path: text !== undefined ? path : 'env:MODAL_TOKEN_ID',
    source: 'modal',
    details: { profiles, activeProfile: profiles.find((p) => p.active)?.name ?? null },
    texts: text !== undefined ? [{ path, text, kind: 'toml' }] : [],
    credentials,
    envKeys,
  })
}

export const MODAL_LOCATOR: Locator = { id: 'modal', title: 'Modal profiles', locate }
