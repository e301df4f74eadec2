import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { keyLines, sanitizeHost } from './ini'
import { isTable, parseTomlSafe } from './toml-profiles'
import { readConfig } from '../../../util/fs'

const ENV = ['RUNPOD_API_KEY']

/**
 * RunPod: the Python SDK and runpodctl keep the API key in ~/.runpod/config.toml (top-level
 * `apikey`/`api_key`, or one table per profile such as `[default]`); older runpodctl used
 * ~/.runpod.yaml (`apikey:`, `apiurl:`) [k].
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const tomlPath = join(ctx.home, '.runpod', 'config.toml')
  const yamlPath = join(ctx.home, '.runpod.yaml')
  const envKeys = presentEnvKeys(ctx, ENV)
  const toml = await readConfig(ctx, tomlPath, 64 * 1024)
  const yaml = await readConfig(ctx, yamlPath, 64 * 1024)
  if (toml === undefined && yaml === undefined && envKeys.length === 0) return
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  const profiles: string[] = []
  let apiUrl: string | null = null
  if (toml !== undefined) {
    texts.push({ path: tomlPath, text: toml, kind: 'toml' })
    const doc = parseTomlSafe(toml)
    if (doc.kind === 'invalid')
      ctx.emitSkipped({ path: tomlPath, reason: 'error', message: `invalid TOML: ${doc.message}` })
    else {
      for (const [k, v] of Object.entries(doc.doc).slice(0, 100)) {
        if (isTable(v)) profiles.push(k.slice(0, 100))
        if (/^api_?url$/i.test(k) && typeof v === 'string') apiUrl = sanitizeHost(v) ?? null
      }
      if (profiles.length === 0 && Object.keys(doc.doc).some((k) => /^api_?key$/i.test(k)))
        profiles.push('default')
    }
    for (const k of keyLines(toml, /^api_?key$/i)) credentials.push({ path: tomlPath, ...k })
  }
  if (yaml !== undefined) {
    texts.push({ path: yamlPath, text: yaml, kind: 'yaml' })
    for (const k of keyLines(yaml, /^api_?key$/i)) credentials.push({ path: yamlPath, ...k })
  }
  emitPlatform(ctx, {
    platform: 'runpod',
    title: 'RunPod',
    path: toml !== undefined ? tomlPath : yaml !== undefined ? yamlPath : 'env:RUNPOD_API_KEY',
    source: 'runpod',
    details: { profiles, apiUrl },
    texts,
    credentials,
    envKeys,
  })
}

export const RUNPOD_LOCATOR: Locator = { id: 'runpod', title: 'RunPod CLI and SDK config', locate }
