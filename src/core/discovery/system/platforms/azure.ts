import { basename, dirname, join } from 'node:path'
import type { DiscoveryContext, FileAnalyzer, Locator } from '../../types'
import { isDir, readConfig, readTextBounded } from '../../../util/fs'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { keyLines, parseIni, sanitizeHost } from './ini'
import { envPath } from '../../paths'

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
  subscriptionId: string
  resourceGroup: string
  workspace: string
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TEMPLATE = /[<>{}]|your|xxx|example|placeholder|replace/i

/**
 * The workspace a `config.json` connects the Azure ML SDK to (`Workspace.from_config()` and
 * `MLClient.from_config()` read it from the project folder, `.azureml/` or `aml_config/`): a
 * subscription GUID, a resource group and a workspace name. A file that only shares a key or is
 * an unfilled template connects to nothing and is not one.
 */
export function parseAzureMlConfig(text: string): AzureMlWorkspace | undefined {
  if (!text.includes('workspace_name')) return undefined
  try {
    const j = JSON.parse(text) as unknown
    if (typeof j !== 'object' || j === null || Array.isArray(j)) return undefined
    const o = j as Record<string, unknown>
    const s = (k: string): string | undefined =>
      typeof o[k] === 'string' && o[k] !== '' && !TEMPLATE.test(o[k] as string)
        ? (o[k] as string).slice(0, 200)
        : undefined
    const subscriptionId = s('subscription_id')
    const resourceGroup = s('resource_group')
    const workspace = s('workspace_name')
    if (!subscriptionId || !GUID.test(subscriptionId) || !resourceGroup || !workspace)
      return undefined
    return { subscriptionId, resourceGroup, workspace }
  } catch {
    return undefined
  }
}

/** The project folder a workspace config belongs to (above `.azureml/` or `aml_config/`). */
function projectOf(path: string): string {
  const dir = dirname(path)
  const base = basename(dir)
  return base === '.azureml' || base === 'aml_config' ? dirname(dir) : dir
}

/** One `ai-platform` asset per workspace config, at the config's own path. */
function emitWorkspace(
  ctx: DiscoveryContext,
  path: string,
  text: string,
  ws: AzureMlWorkspace,
  scope: string,
): string {
  return emitPlatform(ctx, {
    platform: 'azure-ml-workspace',
    title: 'Azure ML workspace',
    path,
    source: 'azureml-config',
    details: { azureMlWorkspace: ws, scope },
    texts: [{ path, text, kind: 'json' }],
  })
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
  const mlText = await readConfig(ctx, mlPath, 64 * 1024)
  const workspace = mlText !== undefined ? parseAzureMlConfig(mlText) : undefined
  // The user-level workspace config is an asset at its own path, with or without the Azure CLI.
  if (mlText !== undefined && workspace) {
    ctx.claimFile(mlPath) // reported here; the crawl's analyzer must not repeat it
    emitWorkspace(ctx, mlPath, mlText, workspace, 'user')
  }
  const openAiEndpoint = sanitizeHost(ctx.env.AZURE_OPENAI_ENDPOINT) ?? null
  const hasCli = profile !== undefined || cfgText !== undefined || texts.length > 0
  if (!hasCli && envKeys.length === 0) return
  emitPlatform(ctx, {
    platform: 'azure',
    title: 'Azure (Azure ML, Azure OpenAI)',
    path: hasCli ? dir : 'env:AZURE_OPENAI_ENDPOINT',
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

/**
 * Azure ML workspace configs the crawl finds in projects: `config.json` in the project folder, in
 * `.azureml/` or in `aml_config/`; the content decides (see parseAzureMlConfig).
 */
export const AZUREML_CONFIG_ANALYZER: FileAnalyzer = {
  id: 'azureml-config',
  names: ['config.json'],
  async analyze(path, ctx) {
    if (ctx.isClaimed(path)) return
    // Most config.json files belong to something else: one that is too big or unreadable is not
    // reported here (the secrets pass, which reads every .json, reports an unreadable one).
    const read = await readTextBounded(path, 64 * 1024, { stripBom: true })
    const ws = read.kind === 'ok' ? parseAzureMlConfig(read.text) : undefined
    if (read.kind !== 'ok' || !ws) return
    emitWorkspace(ctx, path, read.text, ws, `project:${projectOf(path)}`)
  },
}
