import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys } from './emit'
import { sanitizeHost } from './ini'

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

/** MLflow is configured by env only (MLFLOW_TRACKING_URI from the process env or shell rc files). */
async function locate(ctx: DiscoveryContext): Promise<void> {
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
