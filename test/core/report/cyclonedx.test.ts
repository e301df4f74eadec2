import * as CDX from '@cyclonedx/cyclonedx-library'
import { describe, expect, it } from 'vitest'
import { RULES } from '../../../src/core/rules/index'
import { fixtureInventory } from '../../fixtures/generators/inventory'
import { render } from './helpers'

const SECRET = 'hf_PLANTEDcyclonedxVALUEabcdefghijklmnop'
const fx = fixtureInventory({ secretValue: SECRET })

type Comp = {
  type: string
  name: string
  'bom-ref': string
  purl?: string
  hashes?: { alg: string; content: string }[]
  licenses?: { license: { name: string } }[]
  modelCard?: {
    modelParameters?: Record<string, string>
    properties?: { name: string; value: string }[]
  }
  data?: { type: string; classification?: string; description?: string }[]
  evidence?: { occurrences: { location: string; line?: number }[] }
  properties?: { name: string; value: string }[]
  externalReferences?: { type: string; url: string }[]
  components?: Comp[]
}
type Bom = {
  bomFormat: string
  specVersion: string
  serialNumber: string
  metadata: {
    lifecycles: { phase: string }[]
    component: { type: string; name: string; 'bom-ref': string; properties: { name: string }[] }
    tools: { components: { name: string; version: string }[] }
    properties: { name: string; value: string }[]
  }
  components: Comp[]
  vulnerabilities: {
    id: string
    ratings: { severity: string }[]
    cwes?: number[]
    affects: { ref: string }[]
    detail: string
    recommendation: string
    properties: { name: string; value: string }[]
  }[]
}

async function validate(text: string): Promise<unknown> {
  return new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(text)
}

describe('cyclonedx 1.6', () => {
  it('the whole document validates against the bundled 1.6 schema (strict)', async () => {
    const text = await render('cyclonedx', fx.inv)
    expect(await validate(text)).toBeNull()
    const bom = JSON.parse(text) as Bom
    expect(bom.bomFormat).toBe('CycloneDX')
    expect(bom.specVersion).toBe('1.6')
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(bom.components).toHaveLength(fx.assets.length - 1)
  })

  it('the validator used is not vacuous: a stray field is rejected', async () => {
    const bom = JSON.parse(await render('cyclonedx', fx.inv)) as Bom
    ;(bom.components[0] as Record<string, unknown>)['bogus'] = 1
    expect(await validate(JSON.stringify(bom))).not.toBeNull()
  })

  it('maps every kind to a component type, host to metadata.component with lifecycle discovery', async () => {
    const bom = JSON.parse(await render('cyclonedx', fx.inv)) as Bom
    const typeOf = (kind: string) =>
      bom.components
        .filter((c) => c.properties?.some((p) => p.name === 'aiscout:kind' && p.value === kind))
        .map((c) => c.type)
    expect(new Set(typeOf('model'))).toEqual(new Set(['machine-learning-model']))
    expect(typeOf('dataset')).toEqual(['data'])
    expect(typeOf('secret')).toEqual(['data'])
    expect(typeOf('notebook')).toEqual(['file'])
    expect(typeOf('compute')).toEqual(['device'])
    expect(typeOf('package')).toEqual(['library'])
    for (const k of ['tool', 'app', 'ide-extension', 'mcp-server', 'model-server'])
      expect(typeOf(k)).toEqual(['application'])
    expect(typeOf('python-environment')).toEqual(['platform'])
    expect(bom.metadata.lifecycles).toEqual([{ phase: 'discovery' }])
    expect(bom.metadata.component).toMatchObject({ type: 'device', name: 'dev-laptop-01' })
    expect(bom.metadata.tools.components[0]).toMatchObject({ name: 'AI Scout', version: '0.1.0' })
    const names = [
      ...bom.components.flatMap((c) => (c.properties ?? []).map((p) => p.name)),
      ...bom.metadata.properties.map((p) => p.name),
      ...bom.metadata.component.properties.map((p) => p.name),
      ...bom.vulnerabilities.flatMap((v) => v.properties.map((p) => p.name)),
    ]
    expect(names.length).toBeGreaterThan(20)
    for (const n of names) expect(n).toMatch(/^aiscout:/)
  })

  it('a Hugging Face model carries hash, purl with the commit, license, model card and occurrence', async () => {
    const bom = JSON.parse(await render('cyclonedx', fx.inv)) as Bom
    const m = bom.components.find((c) => c.name === 'acme/tiny-llama')!
    expect(m.hashes).toEqual([{ alg: 'SHA-256', content: fx.modelSha }])
    expect(m.purl).toBe('pkg:huggingface/acme/tiny-llama@a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')
    expect(m.licenses).toEqual([{ license: { name: 'apache-2.0' } }])
    expect(m.externalReferences).toEqual([
      { type: 'model-card', url: 'https://huggingface.co/acme/tiny-llama' },
    ])
    expect(m.modelCard!.modelParameters).toMatchObject({
      task: 'text-generation',
      architectureFamily: 'llama',
      modelArchitecture: 'LlamaForCausalLM',
    })
    const mp = Object.fromEntries(m.modelCard!.properties!.map((p) => [p.name, p.value]))
    expect(mp['aiscout:model:parameters']).toBe('1100000000')
    expect(mp['aiscout:model:quantization']).toBe('bf16')
    expect(m.evidence!.occurrences[0]!.location).toBe(fx.assets[0]!.path)
    const ds = bom.components.find((c) => c.type === 'data' && c.data?.[0]?.type === 'dataset')!
    expect(ds.name).toBe('train.parquet')
    const torch = bom.components.find((c) => c.name === 'torch')!
    expect(torch.purl).toBe('pkg:pypi/torch@2.5.1')
  })

  it('a multi-file model is one machine-learning-model component with its files as sub-components', async () => {
    const bom = JSON.parse(await render('cyclonedx', fx.inv)) as Bom
    const m = bom.components.find((c) => c.name === 'acme/sharded')!
    expect(m.type).toBe('machine-learning-model')
    expect(m.hashes).toBeUndefined()
    expect(m.components?.map((c) => [c.type, c.name, c.hashes?.[0]?.content])).toEqual([
      ['file', 'model-00001-of-00002.safetensors', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ['file', 'pytorch_model.bin', expect.stringMatching(/^[0-9a-f]{64}$/)],
    ])
    const bin = m.components![1]!
    expect(Object.fromEntries(bin.properties!.map((p) => [p.name, p.value]))).toMatchObject({
      'aiscout:verdict': 'malicious',
      'aiscout:format': 'pickle',
    })
    expect(bin.evidence?.occurrences[0]?.location).toMatch(/\/pytorch_model\.bin$/)
    expect(m.properties?.some((p) => p.name === 'aiscout:detail:parts')).toBe(false)
  })

  it('a secret is a data component with fingerprint and preview only', async () => {
    const text = await render('cyclonedx', fx.inv)
    expect(text).not.toContain(SECRET)
    const bom = JSON.parse(text) as Bom
    const s = bom.components.find((c) => c.properties?.some((p) => p.value === 'secret'))!
    expect(s.data![0]).toMatchObject({ type: 'configuration', classification: 'secret' })
    const fp = fx.assets.find((a) => a.kind === 'secret')!.details['fingerprint'] as string
    expect(s.data![0]!.description).toContain(fp)
    expect(s.evidence!.occurrences[0]).toEqual({ location: '/home/dev/work/.env', line: 3 })
  })

  it('findings become vulnerabilities with ratings, rule text and affects refs to components', async () => {
    const withCwe = RULES.find((r) => (r.cwe?.length ?? 0) > 0)
    const findings = withCwe
      ? [
          ...fx.findings,
          { ...fx.findings[1]!, id: 'f-cwe', ruleId: withCwe.id, severity: withCwe.severity },
        ]
      : fx.findings
    const inv = { ...fx.inv, findings: () => findings }
    const text = await render('cyclonedx', inv)
    expect(await validate(text)).toBeNull()
    const bom = JSON.parse(text) as Bom
    expect(bom.vulnerabilities).toHaveLength(findings.length)
    const refs = new Set([
      ...bom.components.map((c) => c['bom-ref']),
      bom.metadata.component['bom-ref'],
    ])
    for (const v of bom.vulnerabilities)
      for (const a of v.affects) expect(refs.has(a.ref)).toBe(true)
    const crit = bom.vulnerabilities.find((v) => v.id === 'pickle.dangerous-callable')!
    expect(crit.ratings[0]!.severity).toBe('critical')
    expect(crit.affects).toEqual([{ ref: 'model-2' }])
    const props = Object.fromEntries(crit.properties.map((p) => [p.name, p.value]))
    expect(props).toMatchObject({
      'aiscout:finding:callable': 'os.system',
      'aiscout:finding:member': 'archive/data.pkl',
    })
    expect(crit.recommendation.length).toBeGreaterThan(10)
    if (withCwe) {
      const v = bom.vulnerabilities.find((x) => x.id === withCwe.id)!
      expect(v.cwes).toEqual([...withCwe.cwe!])
      expect(v.detail).toBe(withCwe.why)
      expect(v.recommendation).toBe(withCwe.fix)
    }
  })

  it('validates in batches: 1,234 assets give a valid document', async () => {
    const many = Array.from({ length: 1234 }, (_, i) => ({
      ...fx.assets[i % 16]!,
      id: `bulk-${i}`,
    }))
    const inv = { ...fx.inv, assets: () => many }
    const text = await render('cyclonedx', inv)
    expect(await validate(text)).toBeNull()
    expect((JSON.parse(text) as Bom).components).toHaveLength(1234)
  })
})
