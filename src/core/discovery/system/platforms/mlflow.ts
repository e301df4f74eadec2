import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type CredentialKey } from './emit'
import { parseIni, sanitizeHost } from './ini'
import { readConfig } from '../../../util/fs'

const ENV = [
  'MLFLOW_TRACKING_URI',
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_TRACKING_USERNAME',
  'MLFLOW_TRACKING_PASSWORD',
  'MLFLOW_REGISTRY_URI',
]

/** A tracking URI without credentials: `databricks[://profile]`, a local `file:` store, or an HTTP host. */
export function describeTrackingUri(uri: string): { kind: string; target: string | null } {
  const u = uri.trim()
  if (/^databricks(:\/\/[\w.-]{1,100})?$/i.test(u))
    return { kind: 'databricks', target: u.slice(0, 120) }
  if (/^(file:|\/|[A-Za-z]:\\|\.)/.test(u)) return { kind: 'local', target: null }
  if (/^(sqlite|postgresql|mysql|mssql)/i.test(u)) return { kind: 'database', target: null }
  if (/^https?:\/\//i.test(u)) return { kind: 'server', target: sanitizeHost(u) ?? null }
  return { kind: 'other', target: null }
}

/**
 * MLflow: the tracking server comes from MLFLOW_TRACKING_URI (process env or shell rc files); the
 * user name and password for a server with authentication can also live in
 * `~/.mlflow/credentials` (INI, `[mlflow]` with `mlflow_tracking_username`/`_password`) [k]. Each
 * source is its own asset: the credentials file is reported even without the env variable.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const credPath = join(ctx.home, '.mlflow', 'credentials')
  const credText = await readConfig(ctx, credPath, 64 * 1024)
  const section =
    credText !== undefined
      ? parseIni(credText).sections.find((x) => x.name === 'mlflow')
      : undefined
  if (credText !== undefined && section) {
    const credentials: CredentialKey[] = []
    for (const key of ['mlflow_tracking_password', 'mlflow_tracking_token']) {
      const e = section.entries.get(key)
      if (e && e.value !== '')
        credentials.push({ path: credPath, line: e.line, key, value: e.value })
    }
    emitPlatform(ctx, {
      platform: 'mlflow-credentials',
      title: 'MLflow credentials',
      path: credPath,
      source: 'mlflow',
      details: { hasUsername: section.entries.has('mlflow_tracking_username') },
      texts: [{ path: credPath, text: credText, kind: 'ini' }],
      credentials,
    })
  }
  const envKeys = presentEnvKeys(ctx, ENV)
  const uri = ctx.env.MLFLOW_TRACKING_URI
  if (!uri) return
  const t = describeTrackingUri(uri)
  emitPlatform(ctx, {
    platform: 'mlflow',
    title: 'MLflow tracking server',
    path: 'env:MLFLOW_TRACKING_URI',
    source: 'mlflow',
    details: {
      trackingKind: t.kind,
      trackingHost: t.target,
      credentialsInEnv: envKeys.some((k) => /TOKEN|PASSWORD/.test(k)),
    },
    envKeys,
  })
}

export const MLFLOW_LOCATOR: Locator = { id: 'mlflow', title: 'MLflow tracking URI', locate }
