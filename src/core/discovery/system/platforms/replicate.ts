import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type CredentialKey } from './emit'
import { envPath } from '../../paths'
import { readConfig } from '../../../util/fs'

const ENV = ['REPLICATE_API_TOKEN']
/** Cog pushes to Replicate's registry r8.im; `cog login` stores that registry's credentials in the Docker config [k]. */
const REGISTRY = 'r8.im'

/**
 * Replicate has no config file of its own: the client reads REPLICATE_API_TOKEN, and `cog login`
 * saves an `auths["r8.im"]` entry (or a credential-helper reference) in ~/.docker/config.json.
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const envKeys = presentEnvKeys(ctx, ENV)
  const dockerPath = join(envPath(ctx, 'DOCKER_CONFIG') ?? join(ctx.home, '.docker'), 'config.json')
  const text = await readConfig(ctx, dockerPath)
  let registry: { inline: boolean; helper: boolean } | undefined
  const credentials: CredentialKey[] = []
  let registryLines: [number, number] | undefined
  if (text !== undefined) {
    try {
      const j = JSON.parse(text) as {
        auths?: Record<string, unknown>
        credHelpers?: Record<string, unknown>
      }
      const entry = j.auths?.[REGISTRY] ?? j.auths?.[`https://${REGISTRY}`]
      const helper = j.credHelpers?.[REGISTRY] !== undefined
      if (entry !== undefined || helper) {
        const inline =
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as { auth?: unknown }).auth === 'string'
        registry = { inline, helper }
        const lines = text.split(/\r?\n/)
        const start = lines.findIndex(
          (l) => l.includes(`"${REGISTRY}"`) || l.includes(`"https://${REGISTRY}"`),
        )
        if (start >= 0) {
          let end = start
          while (end < lines.length - 1 && end - start < 10 && !/}/.test(lines[end] ?? '')) end++
          registryLines = [start + 1, end + 1]
          const authLine = lines
            .slice(start, end + 1)
            .findIndex((l) => /"auth"\s*:\s*"[^"]/.test(l))
          if (inline && authLine >= 0)
            credentials.push({
              path: dockerPath,
              line: start + authLine + 1,
              key: 'auth',
              profile: REGISTRY,
              value: (entry as { auth: string }).auth,
            })
        }
      }
    } catch {
      ctx.emitSkipped({
        path: dockerPath,
        reason: 'error',
        message: 'Docker config is not valid JSON',
      })
    }
  }
  if (!registry && envKeys.length === 0) return
  const lines = registryLines
  emitPlatform(ctx, {
    platform: 'replicate',
    title: 'Replicate',
    path: registry ? dockerPath : 'env:REPLICATE_API_TOKEN',
    source: 'replicate',
    details: {
      cogRegistryLogin: registry !== undefined,
      credentialsInline: registry?.inline ?? false,
      credentialHelper: registry?.helper ?? false,
    },
    texts:
      registry && text !== undefined && lines
        ? [
            {
              path: dockerPath,
              text,
              kind: 'json',
              linkLines: (l) => l >= lines[0] && l <= lines[1],
            },
          ]
        : [],
    credentials,
    envKeys,
  })
}

export const REPLICATE_LOCATOR: Locator = {
  id: 'replicate',
  title: 'Replicate (API token, cog registry login)',
  locate,
}
