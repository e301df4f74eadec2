import { delimiter, join } from 'node:path'
import { parseYaml } from '../../../util/yaml'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type CredentialKey } from './emit'
import { keyLines, sanitizeHost } from './ini'
import { overrideAllowed } from '../../paths'
import { readConfig } from '../../../util/fs'

/**
 * Names and hosts that suggest GPU capacity. A kubeconfig cannot tell whether a cluster has GPU
 * nodes (that needs the API server), so this is a hint, recorded as such.
 */
const GPU_HINT =
  /gpu|nvidia|cuda|\b(a100|h100|h200|b200|l40s?|v100|a10g?|t4)\b|coreweave|lambda|runpod|vast|paperspace|crusoe|nebius|gke.*accel/i

type Named = { name?: unknown; [k: string]: unknown }

function list(v: unknown): Named[] {
  return Array.isArray(v)
    ? (v.filter((x) => typeof x === 'object' && x !== null) as Named[]).slice(0, 500)
    : []
}

function sub(o: Named | undefined, k: string): Record<string, unknown> | undefined {
  const v = o?.[k]
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined
}

const s = (v: unknown, max = 200): string | null =>
  typeof v === 'string' && v !== '' ? v.slice(0, max) : null

function authMethod(user: Record<string, unknown> | undefined): string {
  if (!user) return 'unknown'
  if (user.exec) return 'exec-plugin'
  if (user['auth-provider']) return 'auth-provider'
  if (user.token || user.tokenFile) return 'token'
  if (user['client-key-data'] || user['client-key']) return 'client-certificate'
  if (user.password) return 'basic'
  return 'none'
}

async function reportKubeconfig(ctx: DiscoveryContext, path: string): Promise<void> {
  const text = await readConfig(ctx, path)
  if (text === undefined) return
  let doc: Named
  try {
    const parsed: unknown = parseYaml(text, { maxAliasCount: 50, prettyErrors: false })
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not a mapping')
    doc = parsed as Named
  } catch (e) {
    ctx.emitSkipped({
      path,
      reason: 'error',
      message: `invalid kubeconfig YAML: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`,
    })
    return
  }
  const clusters = new Map(list(doc.clusters).map((c) => [s(c.name), sub(c, 'cluster')]))
  const users = new Map(list(doc.users).map((u) => [s(u.name), sub(u, 'user')]))
  const current = s(doc['current-context'])
  const contexts = list(doc.contexts).map((c) => {
    const name = s(c.name) ?? '(unnamed)'
    const cx = sub(c, 'context')
    const clusterName = s(cx?.cluster)
    const server = sanitizeHost(s(clusters.get(clusterName)?.server, 500) ?? undefined) ?? null
    return {
      name,
      cluster: clusterName,
      server,
      namespace: s(cx?.namespace, 100),
      auth: authMethod(users.get(s(cx?.user))),
      current: name === current,
      gpuHint: GPU_HINT.test(`${name} ${clusterName ?? ''} ${server ?? ''}`),
    }
  })
  const credentials: CredentialKey[] = keyLines(text, /^(token|client-key-data|password)$/).map(
    (k) => ({ path, ...k }),
  )
  emitPlatform(ctx, {
    platform: 'kubernetes',
    title: 'Kubernetes',
    path,
    source: 'kubernetes',
    details: {
      contexts,
      currentContext: current,
      gpuClusters: contexts.filter((c) => c.gpuHint).map((c) => c.name),
      // The kubeconfig names clusters; whether their nodes have GPUs is only known to the API server.
      gpuNodesKnown: false,
    },
    texts: [{ path, text, kind: 'yaml' }],
    credentials,
    envKeys: presentEnvKeys(ctx, ['KUBECONFIG']),
  })
}

/** ~/.kube/config plus every file in $KUBECONFIG (inside the scanned home unless it is the real one). */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const files = new Set<string>([join(ctx.home, '.kube', 'config')])
  const sep = ctx.platform === 'win32' ? ';' : delimiter
  for (const p of (ctx.env.KUBECONFIG ?? '').split(sep).slice(0, 20)) {
    if (!p) continue
    if (overrideAllowed(ctx, p)) files.add(p)
  }
  for (const f of files) await reportKubeconfig(ctx, f)
}

export const KUBERNETES_LOCATOR: Locator = {
  id: 'kubernetes',
  title: 'Kubernetes contexts (GPU clusters)',
  locate,
}
