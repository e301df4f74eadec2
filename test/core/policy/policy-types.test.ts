import { describe, expect, it } from 'vitest'
import { checkPolicyRule, evaluatePolicies } from '../../../src/core'
import type { PolicyAsset, PolicyContext, PolicyFacts } from '../../../src/core'
import type { AssetKind } from '../../../src/shared/types'

/** An evaluation context over a list of assets (the store-backed one is tested in policy-store). */
function ctx(
  assets: PolicyAsset[],
  o: Partial<{ facts: PolicyFacts; modes: Record<string, number>; platform: NodeJS.Platform }> = {},
): PolicyContext {
  return {
    facts: o.facts ?? { hashing: true, watcher: true },
    platform: o.platform ?? 'linux',
    fileMode: (p) => o.modes?.[p],
    *assets(kind: AssetKind) {
      yield* assets.filter((a) => a.kind === kind)
    },
  }
}

const model = (id: string, extra: Partial<PolicyAsset>): PolicyAsset => ({
  id,
  kind: 'model',
  path: `/home/u/models/${id}`,
  name: id,
  details: {},
  ...extra,
})
const mcp = (id: string, details: PolicyAsset['details']): PolicyAsset => ({
  id,
  kind: 'mcp-server',
  path: '/home/u/.cursor/mcp.json',
  name: id,
  source: 'cursor',
  details: { client: 'cursor', line: 3, ...details },
})

const policy = (rule: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'pol_1',
  name: 'Test policy',
  enabled: true,
  rule,
  ...extra,
})

const run = (rule: unknown, c: PolicyContext, extra: Record<string, unknown> = {}) =>
  evaluatePolicies([policy(rule, extra)], c)

describe('policy types', () => {
  const models = [
    model('model:a', { format: 'pickle' }),
    model('model:b', { format: 'safetensors' }),
    model('model:c', { format: 'gguf', details: { formats: ['gguf', 'pickle'] } }),
    model('model:d', {}),
  ]

  it('model-format block: models stored in a blocked format, parts included', () => {
    const f = run({ type: 'model-format', mode: 'block', formats: ['pickle'] }, ctx(models))
    expect(f.map((x) => x.assetId)).toEqual(['model:a', 'model:c'])
    expect(f[0]).toMatchObject({
      ruleId: 'policy.model-format',
      severity: 'high',
      title: 'Model format not allowed by policy: Test policy',
      path: '/home/u/models/model:a',
    })
    expect(f[0]!.message).toMatch(/^Policy "Test policy": model:a is stored as pickle/)
  })

  it('model-format allow: everything outside the list; a format-less model is not judged', () => {
    const f = run(
      { type: 'model-format', mode: 'allow', formats: ['safetensors', 'gguf'] },
      ctx(models),
      { severity: 'critical' },
    )
    expect(f.map((x) => [x.assetId, x.severity])).toEqual([
      ['model:a', 'critical'],
      ['model:c', 'critical'],
    ])
    expect(
      run({ type: 'model-format', mode: 'allow', formats: ['safetensors'] }, ctx([models[1]!])),
    ).toEqual([])
  })

  it('model-source: hf org patterns, ollama and local stores', () => {
    const assets = [
      model('model:hf1', {
        source: 'huggingface-cache',
        details: { repoId: 'meta-llama/Llama-3' },
      }),
      model('model:hf2', { source: 'huggingface-cache', details: { repoId: 'evil/llama' } }),
      model('model:ol', { source: 'ollama', name: 'llama3:8b' }),
      model('model:lm', { source: 'lm-studio' }),
    ]
    const allow = run(
      { type: 'model-source', mode: 'allow', sources: ['hf:meta-llama/*', 'ollama:*'] },
      ctx(assets),
    )
    expect(allow.map((x) => x.assetId)).toEqual(['model:hf2', 'model:lm'])
    expect(allow[0]!.message).toContain('comes from hf:evil/llama')
    const block = run(
      { type: 'model-source', mode: 'block', sources: ['hf:EVIL/*', 'local:lm-studio'] },
      ctx(assets),
    )
    expect(block.map((x) => x.assetId)).toEqual(['model:hf2', 'model:lm'])
    expect(
      run({ type: 'model-source', mode: 'block', sources: ['hf:nobody/*'] }, ctx(assets)),
    ).toEqual([])
  })

  it('scan-settings: hashing and watcher required', () => {
    const rule = { type: 'scan-settings', hashing: true, watcher: true }
    expect(run(rule, ctx([], { facts: { hashing: true, watcher: true } }))).toEqual([])
    const off = run(rule, ctx([], { facts: { hashing: false } }))
    expect(off.map((x) => x.path)).toEqual(['settings:scan.hash', 'settings:background.watcher'])
    expect(off[1]!.message).toMatch(/no background watcher runs/)
    const watcherOff = run(
      { type: 'scan-settings', watcher: true },
      ctx([], { facts: { hashing: false, watcher: false } }),
    )
    expect(watcherOff).toHaveLength(1)
    expect(watcherOff[0]!.message).toMatch(/turned off/)
  })

  it('mcp-runner: forbidden command names, whatever the path or case', () => {
    const assets = [
      mcp('mcp:a', { command: '/usr/local/bin/npx', args: ['-y', 'pkg'] }),
      mcp('mcp:b', { command: 'C:\\Program Files\\Docker\\DOCKER.exe' }),
      mcp('mcp:c', { command: 'node' }),
      mcp('mcp:d', { command: null, url: 'https://x' }),
    ]
    const f = run({ type: 'mcp-runner', commands: ['npx', 'docker'] }, ctx(assets))
    expect(f.map((x) => x.assetId)).toEqual(['mcp:a', 'mcp:b'])
    expect(f[0]).toMatchObject({ line: 3, ruleId: 'policy.mcp-runner' })
    expect(f[1]!.message).toContain('started with `docker`')
    expect(run({ type: 'mcp-runner', commands: ['uvx'] }, ctx(assets))).toEqual([])
  })

  it('unpinned-package: runner specs without a version, optionally by runner', () => {
    const assets = [
      mcp('mcp:a', { packageRunner: { runner: 'npx', package: 'srv', pinned: false } }),
      mcp('mcp:b', { packageRunner: { runner: 'npx', package: 'srv@1.2.3', pinned: true } }),
      mcp('mcp:c', { packageRunner: { runner: 'uvx', package: 'pysrv', pinned: false } }),
      mcp('mcp:d', { command: 'node' }),
    ]
    expect(run({ type: 'unpinned-package' }, ctx(assets)).map((x) => x.assetId)).toEqual([
      'mcp:a',
      'mcp:c',
    ])
    const uvx = run({ type: 'unpinned-package', runners: ['uvx'] }, ctx(assets))
    expect(uvx.map((x) => x.assetId)).toEqual(['mcp:c'])
    expect(uvx[0]!.message).toContain('`uvx pysrv` without a pinned version')
  })

  it('key-file-mode: one finding per file wider than allowed; none on Windows', () => {
    const secret = (id: string, path: string): PolicyAsset => ({
      id,
      kind: 'secret',
      path,
      details: {},
    })
    const assets = [
      secret('secret:1', '/h/.env'),
      secret('secret:2', '/h/.env'),
      secret('secret:3', '/h/ok.env'),
      secret('secret:4', 'env:OPENAI_API_KEY'),
    ]
    const modes = { '/h/.env': 0o644, '/h/ok.env': 0o600 }
    const f = run({ type: 'key-file-mode', maxMode: '600' }, ctx(assets, { modes }))
    expect(f).toHaveLength(1)
    expect(f[0]!.message).toContain('has mode 644; the policy allows at most 600')
    expect(run({ type: 'key-file-mode', maxMode: '0644' }, ctx(assets, { modes }))).toEqual([])
    expect(
      run({ type: 'key-file-mode', maxMode: '600' }, ctx(assets, { modes, platform: 'win32' })),
    ).toEqual([])
  })

  it('finding keys are stable per policy and subject, and differ between policies', () => {
    const rule = { type: 'model-format', mode: 'block', formats: ['pickle'] }
    const a = run(rule, ctx(models))
    const b = evaluatePolicies([policy(rule, { name: 'Renamed', severity: 'low' })], ctx(models))
    expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id))
    const c = evaluatePolicies([policy(rule, { id: 'pol_2' })], ctx(models))
    expect(c[0]!.id).not.toBe(a[0]!.id)
  })

  it('disabled policies yield nothing', () => {
    const f = evaluatePolicies(
      [policy({ type: 'model-format', mode: 'block', formats: ['pickle'] }, { enabled: false })],
      ctx(models),
    )
    expect(f).toEqual([])
  })
})

describe('bad policy input', () => {
  it('checkPolicyRule names the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /^rule must be an object/],
      [{ type: 'nope' }, /^rule\.type must be one of model-format, /],
      [{ type: 'model-format', mode: 'block', formats: [] }, /^rule\.formats /],
      [{ type: 'model-format', mode: 'maybe', formats: ['gguf'] }, /^rule\.mode /],
      [
        { type: 'model-format', mode: 'block', formats: ['gguf', 'zzz'] },
        /^rule\.formats\.1 "zzz" is not a model format/,
      ],
      [{ type: 'model-source', mode: 'allow', sources: ['github:x/y'] }, /^rule\.sources\.0 /],
      [{ type: 'scan-settings' }, /^rule /],
      [{ type: 'scan-settings', hashing: false }, /^rule\.hashing /],
      [{ type: 'mcp-runner', commands: ['npx; rm -rf /'] }, /^rule\.commands\.0 /],
      [{ type: 'unpinned-package', runners: ['curl'] }, /^rule\.runners\.0 /],
      [{ type: 'key-file-mode', maxMode: '999' }, /^rule\.maxMode /],
      [{ type: 'key-file-mode', maxMode: '600', extra: 1 }, /unknown field "extra"/],
    ]
    for (const [rule, why] of bad) {
      const r = checkPolicyRule(rule)
      expect(r.ok, JSON.stringify(rule)).toBe(false)
      if (!r.ok) expect(r.message).toMatch(why)
    }
    expect(checkPolicyRule({ type: 'key-file-mode', maxMode: '0600' }).ok).toBe(true)
  })

  it('a policy the device cannot read becomes one policy.invalid finding; the others still run', () => {
    const f = evaluatePolicies(
      [
        'not an object',
        {
          id: 'pol_future',
          name: 'From a newer server',
          enabled: true,
          rule: { type: 'gpu-quota' },
        },
        { id: 'pol_sev', name: 'Bad severity', enabled: true, severity: 'urgent', rule: {} },
        policy({ type: 'model-format', mode: 'block', formats: ['pickle'] }),
      ],
      ctx([model('model:a', { format: 'pickle' })]),
    )
    expect(f.map((x) => x.ruleId)).toEqual([
      'policy.invalid',
      'policy.invalid',
      'policy.invalid',
      'policy.model-format',
    ])
    expect(f[1]).toMatchObject({ path: 'policy:pol_future', severity: 'low' })
    expect(f[1]!.message).toContain('rule.type must be one of')
    expect(f[2]!.message).toContain('severity must be one of')
  })

  it('an evaluation that throws is reported, not raised', () => {
    const throwing: PolicyContext = {
      ...ctx([]),
      *assets() {
        yield* []
        throw new Error('disk on fire')
      },
    }
    const f = evaluatePolicies(
      [policy({ type: 'model-format', mode: 'block', formats: ['pickle'] })],
      throwing,
    )
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ ruleId: 'policy.invalid' })
    expect(f[0]!.message).toContain('evaluation failed: disk on fire')
  })
})
