import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { RULES } from '../../../src/core/rules/index'
import { fixtureInventory } from '../../fixtures/generators/inventory'
import { OPTS, loadSarifSchema, render } from './helpers'

const fx = fixtureInventory({ secretValue: 'sk-ant-api03-PLANTEDsarifVALUE-0123456789' })

type Sarif = {
  version: string
  runs: {
    tool: {
      driver: {
        name: string
        rules: { id: string; properties: Record<string, unknown>; help: { markdown: string } }[]
      }
    }
    originalUriBaseIds?: Record<string, { uri: string }>
    results: {
      ruleId: string
      ruleIndex: number
      level: string
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string }
          region: { startLine: number }
        }
      }[]
      partialFingerprints: { primaryLocationLineHash: string }
    }[]
  }[]
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  return ajv.compile(loadSarifSchema())
}

describe('sarif', () => {
  it('validates against the SARIF 2.1.0 schema, one run with rules and one result per finding', async () => {
    const doc = JSON.parse(await render('sarif', fx.inv)) as Sarif
    const validate = validator()
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true)
    expect(doc.version).toBe('2.1.0')
    // The schema check is not vacuous: a level outside the enum is refused.
    const broken = JSON.parse(JSON.stringify(doc)) as Sarif
    broken.runs[0]!.results[0]!.level = 'fatal'
    expect(validate(broken)).toBe(false)
    expect(doc.runs).toHaveLength(1)
    const run = doc.runs[0]!
    expect(run.results).toHaveLength(fx.findings.length)
    const ruleIds = run.tool.driver.rules.map((r) => r.id)
    expect(new Set(ruleIds)).toEqual(new Set(fx.findings.map((f) => f.ruleId)))
    for (const r of run.results) expect(ruleIds[r.ruleIndex]).toBe(r.ruleId)
    for (const rule of run.tool.driver.rules) {
      expect(rule.properties['tags']).toContain('security')
      expect(rule.help.markdown).toMatch(/How to fix/)
    }
  })

  it('maps severities to levels and security-severity, binary files to line 1', async () => {
    const doc = JSON.parse(await render('sarif', fx.inv)) as Sarif
    const run = doc.runs[0]!
    const byRule = new Map(run.results.map((r) => [r.ruleId, r]))
    expect(byRule.get('pickle.dangerous-callable')!.level).toBe('error')
    expect(byRule.get('mcp.broad-filesystem-access')!.level).toBe('warning')
    expect(byRule.get('notebook.pip-install-url')!.level).toBe('note')
    expect(
      byRule.get('notebook.pip-install-url')!.locations[0]!.physicalLocation.region.startLine,
    ).toBe(88)
    expect(
      byRule.get('pickle.dangerous-callable')!.locations[0]!.physicalLocation.region.startLine,
    ).toBe(1)
    expect(
      byRule.get('model.unverified-source')!.locations[0]!.physicalLocation.region.startLine,
    ).toBe(1)
    const crit = run.tool.driver.rules.find((r) => r.id === 'pickle.dangerous-callable')!
    expect(Number(crit.properties['security-severity'])).toBeGreaterThanOrEqual(9)
    const info = run.tool.driver.rules.find((r) => r.id === 'model.unverified-source')!
    expect(info.properties['security-severity']).toBeUndefined()
  })

  it('fingerprints are stable across runs and distinct per finding', async () => {
    const a = JSON.parse(await render('sarif', fx.inv)) as Sarif
    const b = JSON.parse(
      await render('sarif', fx.inv, { ...OPTS, generatedAt: new Date() }),
    ) as Sarif
    const fa = a.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash)
    const fb = b.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash)
    expect(fa).toEqual(fb)
    expect(new Set(fa).size).toBe(fa.length)
    for (const f of fa) expect(f).toMatch(/^[0-9a-f]{64}$/)
  })

  it('uses repo-relative URIs under %SRCROOT% when repoRoot is given', async () => {
    const doc = JSON.parse(
      await render('sarif', fx.inv, { ...OPTS, repoRoot: '/home/dev/work' }),
    ) as Sarif
    const run = doc.runs[0]!
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe('file:///home/dev/work/')
    const env = run.results.find((r) => r.ruleId === 'secret.ai-api-key')!
    expect(env.locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: '.env',
      uriBaseId: '%SRCROOT%',
    })
    const nb = run.results.find((r) => r.ruleId === 'notebook.pip-install-url')!
    expect(nb.locations[0]!.physicalLocation.artifactLocation.uri).toBe('analysis%20%22v2%22.ipynb')
    const outside = run.results.find((r) => r.ruleId === 'pickle.dangerous-callable')!
    expect(outside.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'file:///home/dev/Downloads/evil.pt',
    )
    expect(validator()(doc)).toBe(true)
  })

  it('takes rule text from the rule table and falls back for unknown rule ids', async () => {
    const known = RULES[0]
    const findings = known
      ? [
          ...fx.findings,
          { ...fx.findings[0]!, id: 'f-known', ruleId: known.id, severity: known.severity },
        ]
      : fx.findings
    const inv = { ...fx.inv, findings: () => findings }
    const doc = JSON.parse(await render('sarif', inv)) as Sarif
    const rules = doc.runs[0]!.tool.driver.rules as unknown as {
      id: string
      shortDescription: { text: string }
      fullDescription: { text: string }
    }[]
    if (known) {
      const r = rules.find((x) => x.id === known.id)!
      expect(r.shortDescription.text).toBe(known.title)
      expect(r.fullDescription.text).toBe(known.why)
    }
    const unknown = rules.find((x) => x.id === 'model.unverified-source')!
    expect(unknown.shortDescription.text).toBe('Model from an unknown source')
    expect(unknown.fullDescription.text).toMatch(/not described in this version of the rule table/)
    expect(validator()(doc)).toBe(true)
  })

  it('writes a valid empty run when there are no findings', async () => {
    const inv = { ...fx.inv, findings: () => [] }
    const doc = JSON.parse(await render('sarif', inv)) as Sarif
    expect(doc.runs[0]!.results).toEqual([])
    expect(validator()(doc)).toBe(true)
  })
})
