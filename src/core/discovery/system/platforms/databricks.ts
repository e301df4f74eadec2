import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type CredentialKey } from './emit'
import { parseIni, sanitizeHost } from './ini'
import { envPath } from '../../paths'
import { readConfig } from '../../../util/fs'

/** Keys in a .databrickscfg profile that hold a credential (PAT, basic auth, OAuth/Azure/GCP secrets). */
const SECRET_KEYS = new Set([
  'token',
  'password',
  'client_secret',
  'azure_client_secret',
  'google_credentials',
])
const ENV = [
  'DATABRICKS_HOST',
  'DATABRICKS_TOKEN',
  'DATABRICKS_CLIENT_SECRET',
  'DATABRICKS_CONFIG_PROFILE',
]

/** ~/.databrickscfg (or $DATABRICKS_CONFIG_FILE): INI, one section per profile, `[DEFAULT]` included. */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const path = envPath(ctx, 'DATABRICKS_CONFIG_FILE') ?? join(ctx.home, '.databrickscfg')
  const text = await readConfig(ctx, path)
  const envKeys = presentEnvKeys(ctx, ENV)
  if (text === undefined) {
    if (envKeys.length > 0)
      emitPlatform(ctx, {
        platform: 'databricks',
        title: 'Databricks',
        path: 'env:DATABRICKS_HOST',
        source: 'databricks',
        details: {
          profiles: [],
          hosts: [sanitizeHost(ctx.env.DATABRICKS_HOST) ?? null].filter((h) => h !== null),
        },
        envKeys,
      })
    return
  }
  const ini = parseIni(text)
  if (ini.sections.length === 0 && ini.bad > 0)
    ctx.emitSkipped({
      path,
      reason: 'error',
      message: `not a valid INI file (${ini.bad} lines not understood)`,
    })
  const credentials: CredentialKey[] = []
  const profiles = ini.sections.map((s) => {
    for (const [k, e] of s.entries)
      if (SECRET_KEYS.has(k) && e.value !== '')
        credentials.push({ path, line: e.line, key: k, profile: s.name, value: e.value })
    return {
      name: s.name.slice(0, 200),
      host: sanitizeHost(s.entries.get('host')?.value) ?? null,
      authType: s.entries.get('auth_type')?.value.slice(0, 50) ?? null,
      hasToken: (s.entries.get('token')?.value ?? '') !== '',
      accountLevel: s.entries.has('account_id'),
    }
  })
  emitPlatform(ctx, {
    platform: 'databricks',
    title: 'Databricks',
    path,
    source: 'databricks',
    details: {
      profiles,
      hosts: [...new Set(profiles.map((p) => p.host).filter((h): h is string => h !== null))],
      malformedLines: ini.bad,
    },
    texts: [{ path, text, kind: 'ini' }],
    credentials,
    envKeys,
  })
}

export const DATABRICKS_LOCATOR: Locator = {
  id: 'databricks',
  title: 'Databricks CLI profiles',
  locate,
}
