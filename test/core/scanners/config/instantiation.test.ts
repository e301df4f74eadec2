import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkConfigText, classifyTarget } from '../../../../src/core/scanners/config/instantiation'
import { INSTANTIATION_ALLOWLIST } from '../../../../src/core/scanners/config/allowlist'
import { buildGguf } from '../../../fixtures/generators/structured/gguf'
import {
  BENIGN_HYDRA_YAML,
  BENIGN_LIGHTNING_YAML,
  MALICIOUS_TARGETS,
  safetensorsWithConfig,
} from '../../../fixtures/generators/repo/repos'
import { judge } from '../structured/helpers'

const none = new Set<string>()

describe('config instantiation', () => {
  it('every allow-list entry documents its source', () => {
    for (const e of INSTANTIATION_ALLOWLIST) expect(e.source.length).toBeGreaterThan(10)
  })

  it('a NeMo Hydra config and a LightningCLI config targeting real model classes are clean', () => {
    expect(checkConfigText(BENIGN_HYDRA_YAML, 'yaml', { where: 'model_config.yaml' })).toEqual({
      findings: [],
    })
    expect(checkConfigText(BENIGN_LIGHTNING_YAML, 'yaml', { where: 'config.yaml' })).toEqual({
      findings: [],
    })
  })

  for (const c of MALICIOUS_TARGETS) {
    it(`${c.name} is critical, with key path, value, line and file`, () => {
      const r = checkConfigText(c.yaml, 'yaml', { where: 'model_config.yaml' })
      const f = r.findings.find((x) => x.ruleId === 'config.instantiation-target')
      expect(f, JSON.stringify(r.findings)).toBeDefined()
      expect(f!.callable).toBe(c.callable)
      expect(f!.message).toContain('model_config.yaml')
      expect(f!.line).toBeGreaterThan(0)
    })
  }

  it('deny list wins over the allow-list inside allowed roots', () => {
    expect(classifyTarget('torch.hub.load', none).tier).toBe('deny')
    expect(classifyTarget('torch.load', none).tier).toBe('deny')
    expect(
      classifyTarget('nemo.collections.asr.models.EncDecCTCModel.restore_from', none).tier,
    ).toBe('deny')
    expect(classifyTarget('torch.nn.Linear', none).tier).toBe('allow')
    expect(classifyTarget('builtins.dict', none).tier).toBe('allow')
    expect(classifyTarget('modeling_foo.Foo', new Set(['modeling_foo'])).tier).toBe('custom')
  })

  it('JSON configs are checked, and trust_remote_code: true is reported', () => {
    const r = checkConfigText(
      JSON.stringify({
        model: { _target_: 'transformers.AutoModel.from_pretrained', trust_remote_code: true },
      }),
      'json',
      { where: 'config.json' },
    )
    expect(r.findings.map((f) => f.ruleId)).toEqual(['config.trust-remote-code'])
  })

  it('a config that does not parse still reports its entries', () => {
    const r = checkConfigText('{"model": {"_target_": "os.system", "n": ', 'json', {
      where: 'x.json',
    })
    expect(r.invalid).toBeDefined()
    expect(r.findings.map((f) => f.ruleId)).toContain('config.instantiation-target')
  })

  it('safetensors metadata embedding a config is checked (critical target, clean model class)', () => {
    const bad = judge(safetensorsWithConfig('os.system'), 'model.safetensors')
    expect(bad.verdict).toBe('malicious')
    expect(bad.all.map((f) => f.ruleId)).toContain('config.instantiation-target')
    const good = judge(
      safetensorsWithConfig('uni2ts.model.moirai.MoiraiModule'),
      'model.safetensors',
    )
    expect(good.verdict).toBe('safe')
  })

  it('GGUF metadata strings embedding a config are checked', () => {
    const { bytes } = buildGguf({
      kv: [
        { key: 'general.architecture', type: 'string', value: 'llama' },
        { key: 'custom.config', type: 'string', value: '{"_target_": "subprocess.call"}' },
      ],
    })
    const r = judge(bytes, 'model.gguf')
    expect(r.all.map((f) => f.ruleId)).toContain('config.instantiation-target')
    const clean = buildGguf({
      kv: [{ key: 'general.architecture', type: 'string', value: 'llama' }],
    })
    expect(judge(clean.bytes, 'model.gguf').verdict).toBe('safe')
  })
})

describe('config instantiation fast path', () => {
  it('entries the line pattern cannot judge still take the full parse', () => {
    const alias = 'cmd: &c os.system\nmodel:\n  _target_: *c\n'
    expect(
      checkConfigText(alias, 'yaml', { where: 'a.yaml' }).findings.map((f) => f.callable),
    ).toContain('os.system')
    const flow = 'model: {_target_: subprocess.call, args: [id]}\n'
    expect(checkConfigText(flow, 'yaml', { where: 'f.yaml' }).findings).toHaveLength(1)
    const minified = '{"a":{"_target_":"torch.nn.Linear"},"b":{"_target_":"os.system"}}'
    expect(checkConfigText(minified, 'json', { where: 'm.json' }).findings).toHaveLength(1)
  })
})

describe('allow-list documentation', () => {
  it('docs/model-repositories.md lists every allow-list entry with its source', () => {
    const doc = readFileSync(resolve(__dirname, '../../../../docs/model-repositories.md'), 'utf8')
    for (const e of INSTANTIATION_ALLOWLIST)
      expect(doc).toContain(`| \`${e.prefix}\` | ${e.source} |`)
  })
})
