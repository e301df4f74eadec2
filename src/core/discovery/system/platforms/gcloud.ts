import { join } from 'node:path'
import { baseDirs, envPath } from '../../paths'
import type { DiscoveryContext, Locator } from '../../types'
import { isFile, listDir, readConfig } from '../../../util/fs'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { keyLines, parseIni } from './ini'

const ENV = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'CLOUDSDK_CORE_PROJECT',
]

/**
 * gcloud: ~/.config/gcloud (Windows %APPDATA%\gcloud, or $CLOUDSDK_CONFIG). Each
 * configurations/config_<name> is INI with [core] project, [compute] region/zone and [ai] region;
 * Vertex AI use shows as an [ai] section or an aiplatform endpoint override. The account e-mail is
 * not recorded. application_default_credentials.json holds a refresh token or a service-account key:
 * it goes through the secrets engine.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const b = baseDirs(ctx)
  const dir =
    envPath(ctx, 'CLOUDSDK_CONFIG') ??
    (ctx.platform === 'win32' ? join(b.appData, 'gcloud') : join(b.dotConfig, 'gcloud'))
  const envKeys = presentEnvKeys(ctx, ENV)
  const active = (await readConfig(ctx, join(dir, 'active_config'), 4096))?.trim().slice(0, 100)
  const configurations: {
    name: string
    project: string | null
    region: string | null
    aiRegion: string | null
    vertexAi: boolean
    active: boolean
  }[] = []
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  for (const e of (await listDir(ctx, join(dir, 'configurations'))).slice(0, 200)) {
    const m = /^config_(.+)$/.exec(e.name)
    if (!m?.[1] || !e.isFile()) continue
    const text = await readConfig(ctx, join(dir, 'configurations', e.name))
    if (text === undefined) continue
    const ini = parseIni(text)
    const sec = (n: string) => ini.sections.find((s) => s.name === n)
    const ai = sec('ai')
    configurations.push({
      name: m[1].slice(0, 100),
      project: sec('core')?.entries.get('project')?.value.slice(0, 100) ?? null,
      region: sec('compute')?.entries.get('region')?.value.slice(0, 50) ?? null,
      aiRegion: ai?.entries.get('region')?.value.slice(0, 50) ?? null,
      vertexAi:
        ai !== undefined || (sec('api_endpoint_overrides')?.entries.has('aiplatform') ?? false),
      active: active === m[1],
    })
  }
  const adcPath =
    envPath(ctx, 'GOOGLE_APPLICATION_CREDENTIALS') ??
    join(dir, 'application_default_credentials.json')
  const adc = await readConfig(ctx, adcPath)
  let adcType: string | null = null
  if (adc !== undefined) {
    texts.push({ path: adcPath, text: adc, kind: 'tool-credentials' })
    try {
      const t = (JSON.parse(adc) as { type?: unknown }).type
      adcType = typeof t === 'string' ? t.slice(0, 50) : null
    } catch {
      ctx.emitSkipped({
        path: adcPath,
        reason: 'error',
        message: 'application default credentials are not valid JSON',
      })
    }
    for (const k of keyLines(adc, /^(refresh_token|private_key|client_secret)$/))
      credentials.push({ path: adcPath, ...k })
  }
  const storedCredentials =
    (await isFile(join(dir, 'credentials.db'))) || (await isFile(join(dir, 'access_tokens.db')))
  if (
    configurations.length === 0 &&
    adc === undefined &&
    !storedCredentials &&
    envKeys.length === 0
  )
    return
  emitPlatform(ctx, {
    platform: 'gcp',
    title: 'Google Cloud (Vertex AI)',
    path:
      configurations.length > 0 || storedCredentials
        ? dir
        : adc !== undefined
          ? adcPath
          : 'env:GOOGLE_CLOUD_PROJECT',
    source: 'gcloud',
    details: {
      configurations,
      activeConfiguration: active ?? null,
      vertexAi:
        configurations.some((c) => c.vertexAi) || envKeys.includes('GOOGLE_GENAI_USE_VERTEXAI'),
      applicationDefaultCredentials: adcType,
      storedCredentials,
    },
    texts,
    credentials,
    envKeys,
  })
}

export const GCLOUD_LOCATOR: Locator = {
  id: 'gcloud',
  title: 'Google Cloud SDK configurations (Vertex AI)',
  locate,
}
