import { join } from 'node:path'
import type { DiscoveryContext, FileAnalyzer, Locator } from '../../types'
import { isDir } from '../../../util/fs'
import { envPath, readConfig } from '../fs-util'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { keyLines, parseIni, sanitizeHost } from './ini'

const ENV = [
  'AZURE_OPENAI_ENDPOINT',
  'AZURE_OPENAI_API_KEY',
  'AZURE_CLIENT_SECRET',
  'AZURE_SUBSCRIPTION_ID',
  'AZUREML_WORKSPACE_NAME',
]
/** Token caches and service-principal files of the Azure CLI: credentials, so secrets-engine input. */
const TOKEN_FILES = ['msal_token_cache.json', 'accessTokens.json', 'service_principal_entries.json']

type AzureMlWorkspace = {
  subscriptionId: string | null
  resourceGroup: string | null
  workspace: string | null
}

function parseAzureMlConfig(text: string): AzureMlWorkspace | undefined {
  try {
    const j = JSON.parse(text) as Record<string, unknown>
    const s = (k: string): string | null =>
      typeof j[k] === 'string' ? (j[k] as string).slice(0, 200) : null
    const ws = {
      subscriptionId: s('subscription_id'),
      resourceGroup: s('resource_group'),
      workspace: s('workspace_name'),
    }
    return ws.workspace || ws.subscriptionId ? ws : undefined
  } catch {
    return undefined
  }
}

/**
 * Azure CLI (~/.azure or $AZURE_CONFIG_DIR): subscriptions from azureProfile.json (names and ids,
 * not users), defaults from `config` (group, location, ML workspace), the `ml` CLI extension, token
 * caches (secrets engine only), the Azure ML workspace config ~/.azureml/config.json, and Azure
 * OpenAI endpoints from the env.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const dir = envPath(ctx, 'AZURE_CONFIG_DIR') ?? join(ctx.home, '.azure')
  const envKeys = presentEnvKeys(ctx, ENV)
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  let subscriptions: { name: string | null; id: string | null; isDefault: boolean }[] = []
  const profilePath = join(dir, 'azureProfile.json')
  const profile = await readConfig(ctx, profilePath)
  if (profile !== undefined) {
    try {
      const subs = (JSON.parse(profile) as { subscriptions?: unknown }).subscriptions
      if (Array.isArray(subs))
        subscriptions = subs.slice(0, 200).map((s: Record<string, unknown>) => ({
          name: typeof s.name === 'string' ? s.name.slice(0, 200) : null,
          id: typeof s.id === 'string' ? s.id.slice(0, 64) : null,
          isDefault: s.isDefault === true,
        }))
    } catch {
      ctx.emitSkipped({
        path: profilePath,
        reason: 'error',
        message: 'azureProfile.json is not valid JSON',
      })
    }
  }
  const cfgText = await readConfig(ctx, join(dir, 'config'))
  const defaults =
    cfgText !== undefined
      ? parseIni(cfgText).sections.find((s) => s.name === 'defaults')
      : undefined
  for (const f of TOKEN_FILES) {
    const p = join(dir, f)
    const t = await readConfig(ctx, p)
    if (t === undefined) continue
    texts.push({ path: p, text: t, kind: 'tool-credentials' })
    for (const k of keyLines(t, /^(secret|client_secret|refresh_token|accessToken|refreshToken)$/))
      credentials.push({ path: p, ...k })
  }
  const mlExtension =
    (await isDir(join(dir, 'cliextensions', 'ml'))) ||
    (await isDir(join(dir, 'cliextensions', 'azure-cli-ml')))
  const mlPath = join(ctx.home, '.azureml', 'config.json')
  const mlText = await readConfig(ctx, mlPath)
  const workspace = mlText !== undefined ? parseAzureMlConfig(mlText) : undefined
  if (mlText !== undefined) ctx.claimFile(mlPath) // reported here; the crawl's analyzer must not repeat it
  const openAiEndpoint = sanitizeHost(ctx.env.AZURE_OPENAI_ENDPOINT) ?? null
  const hasCli = profile !== undefined || cfgText !== undefined || texts.length > 0
  if (!hasCli && !workspace && envKeys.length === 0) return
  emitPlatform(ctx, {
    platform: 'azure',
    title: 'Azure (Azure ML, Azure OpenAI)',
    path: hasCli ? dir : workspace ? mlPath : 'env:AZURE_OPENAI_ENDPOINT',
    source: 'azure',
    details: {
      subscriptions,
      defaults: {
        group: defaults?.entries.get('group')?.value.slice(0, 200) ?? null,
        location: defaults?.entries.get('location')?.value.slice(0, 50) ?? null,
        workspace: defaults?.entries.get('workspace')?.value.slice(0, 200) ?? null,
      },
      azureMl:
        mlExtension || workspace !== undefined || (defaults?.entries.has('workspace') ?? false),
      azureMlWorkspace: workspace ?? null,
      azureOpenAiEndpoint: openAiEndpoint,
      tokenCaches: texts.map((t) => t.path),
    },
    texts,
    credentials,
    envKeys,
  })
}

export const AZURE_LOCATOR: Locator = {
  id: 'azure',
  title: 'Azure CLI, Azure ML and Azure OpenAI',
  locate,
}

/** Azure ML workspace configs the crawl finds in projects (`.azureml/config.json`). */
export const AZUREML_CONFIG_ANALYZER: FileAnalyzer = {
  id: 'azureml-config',
  names: ['config.json'],
  accepts: (path) => /[\\/]\.azureml[\\/]config\.json$/.test(path),
  async analyze(path, ctx) {
    const text = await readConfig(ctx, path, 64 * 1024)
    const ws = text !== undefined ? parseAzureMlConfig(text) : undefined
    if (!ws) return
    emitPlatform(ctx, {
      platform: 'azure-ml-workspace',
      title: 'Azure ML workspace',
      path,
      source: 'azureml-config',
      details: { azureMlWorkspace: ws },
      texts: text !== undefined ? [{ path, text, kind: 'json' }] : [],
    })
  },
}
