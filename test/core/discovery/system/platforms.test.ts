import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AZUREML_CONFIG_ANALYZER } from '../../../../src/core/discovery/system/platforms/azure'
import { WANDB_SETTINGS_ANALYZER } from '../../../../src/core/discovery/system/platforms/wandb'
import { PLATFORM_LOCATORS } from '../../../../src/core/discovery/system/platforms/index'
import { describeTrackingUri } from '../../../../src/core/discovery/system/platforms/mlflow'
import { parseNetrc } from '../../../../src/core/discovery/system/platforms/netrc'
import { parseIni, sanitizeHost } from '../../../../src/core/discovery/system/platforms/ini'
import type { Platform } from '../../../../src/core/discovery/types'
import {
  createSecretScanner,
  type SecretHit,
  type SecretScanner,
} from '../../../../src/core/secrets/index'
import { makeTestContext } from '../../../helpers/discovery-context'
import { write } from '../../../fixtures/generators/fake-home'
import {
  makeMalformedPlatformHome,
  makePlatformHome,
} from '../../../fixtures/generators/homes/system-home'

/** A deterministic scanner that reports every line holding one of `values` (stands in for the engine's rules). */
function fakeScanner(values: readonly string[]): SecretScanner {
  const scanText = (text: string, opts: { path: string }): SecretHit[] =>
    text.split('\n').flatMap((line, i) =>
      values
        .filter((v) => line.includes(v))
        .map((v) => ({
          ruleId: 'secret.ai-api-key',
          detector: 'fake',
          provider: 'fake-provider',
          line: i + 1,
          column: line.indexOf(v) + 1,
          redacted: `…${v.slice(-4)}`,
          fingerprint: `fp-${v.length}-${v.slice(0, 3)}`,
          severity: 'high' as const,
          where: 'config' as const,
          path: opts.path,
        })),
    )
  return {
    scanText,
    scanNotebook: () => [],
    scanNamedValue: () => [],
    scanPrivateKey: () => undefined,
  }
}

/** Every regular file under `dir`. */
function walkFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

async function scan(
  platform: Platform,
  secrets?: (tokens: ReturnType<typeof makePlatformHome>['tokens']) => SecretScanner,
  env: Record<string, string> = {},
) {
  const fake = makePlatformHome(platform)
  const t = makeTestContext({ home: fake.home, platform, env, secrets: secrets?.(fake.tokens) })
  for (const l of PLATFORM_LOCATORS) await l.locate(t.ctx)
  return { fake, ...t }
}

/** An ai-platform asset's details as a JSON consumer (report, export) sees them. */
const platformAsset = (assets: { kind: string; details?: Record<string, unknown> }[], id: string) =>
  JSON.parse(
    JSON.stringify(
      assets.find((a) => a.kind === 'ai-platform' && a.details?.platform === id)?.details ?? null,
    ),
  )

describe.each(['linux', 'darwin', 'win32'] as const)(
  'AI platform connections (%s layout)',
  (platform) => {
    it('reports hosts, profiles and contexts of every platform', async () => {
      const { assets } = await scan(platform)
      const ids = assets
        .filter((a) => a.kind === 'ai-platform')
        .map((a) => a.details?.platform)
        .sort()
      expect(ids).toEqual([
        'aws',
        'azure',
        'azure-ml-workspace',
        'databricks',
        'gcp',
        'huggingface',
        'kubernetes',
        'mlflow-credentials',
        'modal',
        'replicate',
        'runpod',
        'wandb',
        'wandb-settings',
      ])
      const db = platformAsset(assets, 'databricks')
      expect(db?.profiles.map((p: { name: string }) => p.name)).toEqual(['DEFAULT', 'staging'])
      expect(db?.hosts).toEqual([
        'https://adb-1234567890123456.7.azuredatabricks.net',
        'https://dbc-abc.cloud.databricks.com',
      ])
      const aws = platformAsset(assets, 'aws')
      expect(aws?.profiles.map((p: { name: string }) => p.name).sort()).toEqual([
        'default',
        'genai',
        'ml',
      ])
      expect(aws?.aiServices).toEqual(['bedrock', 'sagemaker'])
      const awsProfile = (n: string) =>
        aws?.profiles.find((p: { name: string }) => p.name === n) as Record<string, unknown>
      // genai uses Bedrock through its [services] section; ml's role name says SageMaker.
      expect(awsProfile('genai')).toMatchObject({
        bedrock: true,
        sagemaker: false,
        region: 'us-east-1',
      })
      expect(awsProfile('ml')).toMatchObject({ bedrock: false, sagemaker: true })
      expect(awsProfile('default')).toMatchObject({ staticKeys: true, bedrock: false })
      const gcp = platformAsset(assets, 'gcp')
      expect(gcp?.vertexAi).toBe(true)
      expect(gcp?.activeConfiguration).toBe('vertex')
      expect(JSON.stringify(gcp)).not.toContain('someone@example.com')
      const az = platformAsset(assets, 'azure')
      expect(az?.subscriptions).toEqual([
        { name: 'ML Research', id: '00000000-1111-2222-3333-444444444444', isDefault: true },
      ])
      expect(az?.azureMl).toBe(true)
      expect(az?.azureMlWorkspace).toMatchObject({ workspace: 'ws-research' })
      const hf = platformAsset(assets, 'huggingface')
      expect(hf?.loggedIn).toBe(true)
      expect(hf?.storedTokenNames).toEqual(['work', 'personal'])
      expect(platformAsset(assets, 'wandb')?.hosts).toEqual(['api.wandb.ai'])
      expect(platformAsset(assets, 'wandb')?.entity).toBe('research-team')
      const modal = platformAsset(assets, 'modal')
      expect(modal?.activeProfile).toBe('research')
      expect(
        modal?.profiles.map((p: { name: string; hasToken: boolean }) => [p.name, p.hasToken]),
      ).toEqual([
        ['research', true],
        ['personal', false],
      ])
      expect(platformAsset(assets, 'runpod')?.profiles).toEqual(['default'])
      expect(platformAsset(assets, 'replicate')?.credentialsInline).toBe(true)
      const kube = platformAsset(assets, 'kubernetes')
      expect(kube?.gpuClusters).toEqual(['gpu-prod'])
      expect(kube?.contexts[0]).toMatchObject({
        name: 'gpu-prod',
        server: 'https://k8s.gpu.example.com:6443',
        auth: 'token',
        current: true,
      })
      expect(kube?.contexts[1]).toMatchObject({
        name: 'kind-local',
        auth: 'exec-plugin',
        gpuHint: false,
      })
    })

    it('without a secrets hit, raises platform.token-in-config for each literal credential', async () => {
      const { findings, fake } = await scan(platform)
      const tic = findings.filter((f) => f.ruleId === 'platform.token-in-config')
      const at = (p: string | undefined) => tic.filter((f) => f.path === p).map((f) => f.line)
      expect(at(fake.paths.databricks)).toEqual([3])
      expect(at(fake.paths.awsCredentials)).toEqual([3])
      expect(at(fake.paths.hfToken)).toEqual([1])
      expect(at(fake.paths.hfStored)).toEqual([2, 5])
      expect(at(fake.paths.netrc)).toEqual([6]) // the W&B password only, not github's
      expect(at(fake.paths.modal)).toEqual([3]) // the empty token_secret of [personal] is not a credential
      expect(at(fake.paths.runpod)).toEqual([2])
      expect(at(fake.paths.docker)).toHaveLength(1)
      expect(at(fake.paths.kube)).toEqual([24])
    })

    it('emits secret assets for engine hits, links them with uses-secret and does not double-report', async () => {
      const { assets, findings, fake } = await scan(platform, (t) =>
        fakeScanner([t.databricks, t.wandb, t.githubNetrc]),
      )
      const dbAsset = assets.find(
        (a) => a.kind === 'ai-platform' && a.details?.platform === 'databricks',
      )
      const secret = assets.find((a) => a.kind === 'secret' && a.path === fake.paths.databricks)
      expect(secret?.identity).toMatch(
        new RegExp(`@${(fake.paths.databricks ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3$`),
      )
      expect(secret?.details).toMatchObject({
        provider: 'fake-provider',
        line: 3,
        redacted: `…${fake.tokens.databricks.slice(-4)}`,
      })
      expect(dbAsset?.links).toEqual([{ to: secret?.id, relation: 'uses-secret' }])
      expect(findings.filter((f) => f.path === fake.paths.databricks).map((f) => f.ruleId)).toEqual(
        ['secret.ai-api-key'],
      )
      // The github password in the same .netrc is a secret, but not linked to W&B.
      const wandb = assets.find((a) => a.kind === 'ai-platform' && a.details?.platform === 'wandb')
      const netrcSecrets = assets.filter((a) => a.kind === 'secret' && a.path === fake.paths.netrc)
      expect(netrcSecrets).toHaveLength(2)
      expect(wandb?.links).toEqual([
        { to: netrcSecrets.find((s) => s.details?.line === 6)?.id, relation: 'uses-secret' },
      ])
    })

    it('makes every plaintext credential a key asset linked from its platform, with the real engine', async () => {
      const { assets, findings, fake } = await scan(platform, () =>
        createSecretScanner({ fingerprintKey: randomBytes(32) }),
      )
      const byId = new Map(assets.map((a) => [a.id, a]))
      let checked = 0
      for (const p of assets.filter((a) => a.kind === 'ai-platform')) {
        const keys = (p.details?.credentialKeys ?? []) as { line: number }[]
        const linked = (p.links ?? []).map((l) => byId.get(l.to))
        for (const k of keys) {
          const secret = linked.find((s) => s?.kind === 'secret' && s.details?.line === k.line)
          expect(secret, `${String(p.details?.platform)} line ${k.line}`).toBeDefined()
          checked++
        }
      }
      expect(checked).toBeGreaterThanOrEqual(9)
      // A credential no row knows is attributed to its platform, not to a generic bucket.
      const providerAt = (path: string | undefined) =>
        assets.find((a) => a.kind === 'secret' && a.path === path)?.details?.provider
      expect(providerAt(fake.paths.databricks)).toBe('Databricks')
      expect(providerAt(fake.paths.kube)).toBe('Kubernetes')
      expect(providerAt(fake.paths.runpod)).toBe('RunPod')
      const tic = findings.filter((f) => f.ruleId === 'platform.token-in-config')
      expect(tic.length).toBeGreaterThan(0)
      for (const f of tic) expect(byId.get(f.assetId ?? '')?.kind, f.path).toBe('secret')
      const db = assets.find((a) => a.kind === 'secret' && a.details?.provider === 'Databricks')
      expect(db?.details).toMatchObject({ detector: 'platform-credential', line: 3 })
    })

    it('never stores a token value, with the real secrets engine', async () => {
      const { assets, findings, skipped, fake } = await scan(platform, () =>
        createSecretScanner({ fingerprintKey: randomBytes(32) }),
      )
      const json = JSON.stringify({ assets, findings, skipped })
      for (const [name, value] of Object.entries(fake.tokens))
        expect(json.includes(value), name).toBe(false)
      expect(json).not.toContain('hunter2')
      // The engine recognises the bare HF token file: a linked secret asset replaces the generic finding.
      const hf = assets.find(
        (a) => a.kind === 'ai-platform' && a.details?.platform === 'huggingface',
      )
      const hfSecret = assets.find((a) => a.kind === 'secret' && a.path === fake.paths.hfToken)
      expect(hfSecret?.details?.redacted).toBeTypeOf('string')
      expect(hf?.links).toContainEqual({ to: hfSecret?.id, relation: 'uses-secret' })
      expect(
        findings.some(
          (f) => f.ruleId === 'platform.token-in-config' && f.path === fake.paths.hfToken,
        ),
      ).toBe(false)
    })
  },
)

describe('platform parsers and edge cases', () => {
  it('tolerates malformed INI, TOML, YAML and JSON without throwing', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      const fake = makeMalformedPlatformHome(platform)
      const t = makeTestContext({ home: fake.home, platform })
      for (const l of PLATFORM_LOCATORS) await expect(l.locate(t.ctx)).resolves.toBeUndefined()
      const reasons = t.skipped.map((s) => s.path)
      expect(reasons).toEqual(
        expect.arrayContaining([
          join(fake.home, '.databrickscfg'),
          join(fake.home, '.modal.toml'),
          join(fake.home, '.kube', 'config'),
          join(fake.home, '.docker', 'config.json'),
          join(fake.home, '.azure', 'azureProfile.json'),
        ]),
      )
      expect(t.assets.filter((a) => a.details?.platform === 'kubernetes')).toEqual([])
    }
  })

  it('reports env-only platforms by variable name, never the value', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-envplat-'))
    const env = {
      MLFLOW_TRACKING_URI: 'https://bob:pa55word@mlflow.internal.example:5000/path?token=zzz',
      MLFLOW_TRACKING_TOKEN: 'tok-very-secret-1',
      REPLICATE_API_TOKEN: 'r8_very_secret_2',
      DATABRICKS_HOST: 'https://adb-9.azuredatabricks.net',
      DATABRICKS_TOKEN: 'dapi-very-secret-3',
    }
    const t = makeTestContext({ home, platform: 'linux', env })
    for (const l of PLATFORM_LOCATORS) await l.locate(t.ctx)
    const json = JSON.stringify(t.assets)
    for (const v of [
      'pa55word',
      'bob',
      'zzz',
      'tok-very-secret-1',
      'r8_very_secret_2',
      'dapi-very-secret-3',
    ])
      expect(json).not.toContain(v)
    expect(platformAsset(t.assets, 'mlflow')).toMatchObject({
      trackingKind: 'server',
      trackingHost: 'https://mlflow.internal.example:5000/path',
      envKeys: ['MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN'],
    })
    expect(platformAsset(t.assets, 'replicate')?.envKeys).toEqual(['REPLICATE_API_TOKEN'])
    expect(platformAsset(t.assets, 'databricks')?.hosts).toEqual([
      'https://adb-9.azuredatabricks.net',
    ])
  })

  it.each(['linux', 'darwin', 'win32'] as const)(
    'reports project Azure ML and W&B configs at their own path through the crawl, and no look-alike (%s layout)',
    async (platform) => {
      const fake = makePlatformHome(platform)
      const t = makeTestContext({ home: fake.home, platform })
      const analyzers = [AZUREML_CONFIG_ANALYZER, WANDB_SETTINGS_ANALYZER]
      for (const path of walkFiles(join(fake.home, 'code')))
        for (const a of analyzers) {
          const name = path.split(/[\\/]/).pop()!
          const dot = name.lastIndexOf('.')
          const byName = a.names?.includes(name) ?? false
          const byExt = dot > 0 && (a.extensions?.includes(name.slice(dot)) ?? false)
          if ((byName || byExt) && (a.accepts?.(path) ?? true)) await a.analyze(path, t.ctx)
        }
      const found = t.assets.map((a) => [a.details?.platform, a.path]).sort()
      expect(found).toEqual(
        [
          ['azure-ml-workspace', fake.paths.projectAzureMl],
          ['azure-ml-workspace', fake.paths.projectAzureMlSdkDir],
          ['wandb-settings', fake.paths.projectWandb],
        ].sort(),
      )
      const churn = t.assets.find((a) => a.path === fake.paths.projectAzureMl)
      expect(churn?.details).toMatchObject({
        azureMlWorkspace: { resourceGroup: 'rg-churn', workspace: 'ws-churn' },
        scope: `project:${join(fake.home, 'code', 'churn')}`,
      })
      expect(t.assets.find((a) => a.path === fake.paths.projectAzureMlSdkDir)?.details?.scope).toBe(
        `project:${join(fake.home, 'code', 'vision')}`,
      )
      expect(t.assets.find((a) => a.path === fake.paths.projectWandb)?.details).toMatchObject({
        entity: 'churn-team',
        project: 'churn-model',
      })
      expect(t.skipped).toEqual([])
    },
  )

  it('reports the user-level W&B settings and Azure ML workspace configs with no login beside them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-platcfg-'))
    write(join(home, '.config', 'wandb', 'settings'), '[default]\nentity = solo\nmode = offline\n')
    write(
      join(home, '.azureml', 'config.json'),
      JSON.stringify({
        subscription_id: '0a1b2c3d-1111-2222-3333-444455556666',
        resource_group: 'rg',
        workspace_name: 'ws',
      }),
    )
    const t = makeTestContext({ home, platform: 'linux' })
    for (const l of PLATFORM_LOCATORS) await l.locate(t.ctx)
    expect(t.assets.map((a) => [a.details?.platform, a.path]).sort()).toEqual(
      [
        ['azure-ml-workspace', join(home, '.azureml', 'config.json')],
        ['wandb-settings', join(home, '.config', 'wandb', 'settings')],
      ].sort(),
    )
  })

  it('parses INI, netrc and URLs defensively', () => {
    const ini = parseIni('top = 1\n[a]\nk = v\n  nested = x\n; c\n# c\n???\n[b]\nk: w\n')
    expect(ini.sections.map((s) => s.name)).toEqual(['', 'a', 'b'])
    expect(ini.sections[1]?.entries.get('k')).toEqual({ value: 'v', line: 3 })
    expect(ini.bad).toBe(1)
    expect(
      parseNetrc(
        'machine a.example login x password y\nmachine api.wandb.ai\n login u\n password p\n',
      ).map((m) => [m.host, m.passwordLine]),
    ).toEqual([
      ['a.example', 1],
      ['api.wandb.ai', 4],
    ])
    expect(parseNetrc('machine')).toEqual([])
    expect(sanitizeHost('https://u:p@h.example:8443/x?y=1#z')).toBe('https://h.example:8443/x')
    expect(sanitizeHost('h.example')).toBe('h.example')
    expect(sanitizeHost('::::')).toBeUndefined()
    expect(describeTrackingUri('databricks')).toEqual({ kind: 'databricks', target: 'databricks' })
    expect(describeTrackingUri('file:///home/u/mlruns')).toEqual({ kind: 'local', target: null })
    expect(describeTrackingUri('postgresql://u:p@db/mlflow')).toEqual({
      kind: 'database',
      target: null,
    })
  })
})

describe('env overrides', () => {
  it('follow HF_HOME, PIPX-style paths and AWS_CONFIG_FILE inside the scanned home, and ignore paths outside it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-envover-'))
    const other = mkdtempSync(join(tmpdir(), 'aiscout-outside-'))
    write(join(home, 'hf', 'token'), 'hf_' + 'Q'.repeat(10) + 'w'.repeat(24))
    write(join(home, 'conf', 'aws.ini'), '[profile bedrock-dev]\nregion = eu-central-1\n')
    write(join(other, '.databrickscfg'), '[DEFAULT]\nhost = https://outside.example\n')
    const env = {
      HF_HOME: join(home, 'hf'),
      AWS_CONFIG_FILE: join(home, 'conf', 'aws.ini'),
      DATABRICKS_CONFIG_FILE: join(other, '.databrickscfg'),
    }
    const t = makeTestContext({ home, platform: 'linux', env })
    for (const l of PLATFORM_LOCATORS) await l.locate(t.ctx)
    expect(platformAsset(t.assets, 'huggingface')?.tokenFiles).toEqual([join(home, 'hf', 'token')])
    expect(platformAsset(t.assets, 'aws')?.profiles.map((p: { name: string }) => p.name)).toEqual([
      'bedrock-dev',
    ])
    expect(platformAsset(t.assets, 'aws')?.aiServices).toEqual(['bedrock'])
    // A config outside a --home scan belongs to the scanning machine, not the scanned home.
    expect(platformAsset(t.assets, 'databricks')).toBeNull()
  })
})
