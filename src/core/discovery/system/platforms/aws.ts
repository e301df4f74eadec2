import { join } from 'node:path'
import type { DiscoveryContext, Locator } from '../../types'
import { emitPlatform, presentEnvKeys, type ConfigText, type CredentialKey } from './emit'
import { parseIni, sanitizeHost, type IniSection } from './ini'
import { envPath } from '../../paths'
import { readConfig } from '../../../util/fs'

const SECRET_KEYS = new Set(['aws_secret_access_key', 'aws_session_token', 'aws_security_token'])
const ENV = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_BEARER_TOKEN_BEDROCK',
  'AWS_REGION',
]

function mentions(s: IniSection, re: RegExp): boolean {
  if (re.test(s.name)) return true
  for (const [k, e] of s.entries) if (re.test(k) || re.test(e.value)) return true
  return false
}

/** `[profile x]` in config, `[x]` in credentials; `[default]` in both. */
function profileName(section: string, inConfig: boolean): string | undefined {
  if (!inConfig) return section
  if (section === 'default') return 'default'
  const m = /^profile\s+(.+)$/.exec(section)
  return m?.[1]?.trim()
}

/**
 * ~/.aws/config and ~/.aws/credentials ($AWS_CONFIG_FILE, $AWS_SHARED_CREDENTIALS_FILE): profile
 * names, regions, SSO portal hosts, and whether a profile mentions Bedrock or SageMaker (service
 * endpoints, `services` sections, role or profile names).
 */
async function locate(ctx: DiscoveryContext): Promise<void> {
  const configPath = envPath(ctx, 'AWS_CONFIG_FILE') ?? join(ctx.home, '.aws', 'config')
  const credPath =
    envPath(ctx, 'AWS_SHARED_CREDENTIALS_FILE') ?? join(ctx.home, '.aws', 'credentials')
  const config = await readConfig(ctx, configPath)
  const creds = await readConfig(ctx, credPath)
  const envKeys = presentEnvKeys(ctx, ENV)
  if (config === undefined && creds === undefined && envKeys.length === 0) return
  const profiles = new Map<
    string,
    {
      name: string
      region: string | null
      ssoHost: string | null
      staticKeys: boolean
      bedrock: boolean
      sagemaker: boolean
    }
  >()
  const get = (name: string) => {
    let p = profiles.get(name)
    if (!p)
      profiles.set(
        name,
        (p = {
          name: name.slice(0, 200),
          region: null,
          ssoHost: null,
          staticKeys: false,
          bedrock: false,
          sagemaker: false,
        }),
      )
    return p
  }
  const texts: ConfigText[] = []
  const credentials: CredentialKey[] = []
  let bad = 0
  const serviceSections = new Map<string, { bedrock: boolean; sagemaker: boolean }>()
  const profileServices = new Map<string, string>()
  let anyBedrock = false
  let anySagemaker = false
  for (const [path, text, inConfig] of [
    [configPath, config, true],
    [credPath, creds, false],
  ] as const) {
    if (text === undefined) continue
    texts.push({ path, text, kind: inConfig ? 'ini' : 'aws-credentials' })
    const ini = parseIni(text)
    bad += ini.bad
    for (const s of ini.sections) {
      const bedrock = mentions(s, /bedrock/i)
      const sagemaker = mentions(s, /sagemaker/i)
      anyBedrock ||= bedrock
      anySagemaker ||= sagemaker
      const svc = /^services\s+(.+)$/.exec(s.name)?.[1]?.trim()
      if (svc) serviceSections.set(svc, { bedrock, sagemaker })
      for (const [k, e] of s.entries)
        if (SECRET_KEYS.has(k) && e.value !== '')
          credentials.push({ path, line: e.line, key: k, profile: s.name, value: e.value })
      const name = profileName(s.name, inConfig)
      if (!name) continue
      const p = get(name)
      p.region ??= s.entries.get('region')?.value.slice(0, 40) ?? null
      p.ssoHost ??= sanitizeHost(s.entries.get('sso_start_url')?.value) ?? null
      p.staticKeys ||= s.entries.has('aws_access_key_id')
      p.bedrock ||= bedrock
      p.sagemaker ||= sagemaker
      const uses = s.entries.get('services')?.value
      if (uses) profileServices.set(name, uses)
    }
  }
  // A profile that points at a `[services x]` section uses the endpoints configured there.
  for (const [name, svc] of profileServices) {
    const p = profiles.get(name)
    const used = serviceSections.get(svc)
    if (p && used) {
      p.bedrock ||= used.bedrock
      p.sagemaker ||= used.sagemaker
    }
  }
  emitPlatform(ctx, {
    platform: 'aws',
    title: 'AWS',
    path: config !== undefined ? configPath : creds !== undefined ? credPath : 'env:AWS_PROFILE',
    source: 'aws',
    details: {
      profiles: [...profiles.values()],
      aiServices: [
        ...(anyBedrock || envKeys.includes('AWS_BEARER_TOKEN_BEDROCK') ? ['bedrock'] : []),
        ...(anySagemaker ? ['sagemaker'] : []),
      ],
      malformedLines: bad,
    },
    texts,
    credentials,
    envKeys,
  })
}

export const AWS_LOCATOR: Locator = {
  id: 'aws',
  title: 'AWS profiles (Bedrock, SageMaker)',
  locate,
}
