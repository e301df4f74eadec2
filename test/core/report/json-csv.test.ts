import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { REPORT_FORMATS } from '../../../src/core/report/index'
import { csvCell } from '../../../src/core/report/csv'
import { ASSET_KINDS } from '../../../src/core/types'
import { FORMULA_NAME, HOSTILE_NAME, fixtureInventory } from '../../fixtures/generators/inventory'
import { OPTS, parseCsv, render } from './helpers'

const SECRET = 'sk-proj-PLANTEDaiscoutTESTvalue0123456789abcdefXYZ'
const fx = fixtureInventory({ secretValue: SECRET })

function schemaValidator() {
  const schema = JSON.parse(
    readFileSync(join(__dirname, '../../../resources/schemas/scan-output.schema.json'), 'utf8'),
  ) as object
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false })
  addFormats(ajv)
  return ajv.compile(schema)
}

describe('every format', () => {
  it.each(REPORT_FORMATS)('%s never contains the planted secret value', async (format) => {
    const out = await render(format, fx.inv)
    expect(out.length).toBeGreaterThan(500)
    expect(out).not.toContain(SECRET)
    expect(out).not.toContain(SECRET.slice(3, -2))
  })

  it.each(REPORT_FORMATS)(
    '%s drops a secret value that leaked into details under an obvious key',
    async (format) => {
      const leaky = fixtureInventory({ secretValue: SECRET })
      const assets = leaky.assets.map((a) =>
        a.kind === 'secret' ? { ...a, details: { ...a.details, value: SECRET } } : a,
      )
      const inv = { ...leaky.inv, assets: () => assets }
      expect(await render(format, inv)).not.toContain(SECRET)
    },
  )
})

describe('json', () => {
  it('validates against resources/schemas/scan-output.schema.json and covers every kind', async () => {
    const doc = JSON.parse(await render('json', fx.inv)) as {
      assets: { kind: string; id: string; path: string }[]
      findings: { id: string; line?: number; member?: string; callable?: string }[]
      skipped: unknown[]
      scan: { id: string; roots: string[] }
      schemaVersion: number
    }
    const validate = schemaValidator()
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    expect(new Set(doc.assets.map((a) => a.kind))).toEqual(new Set(ASSET_KINDS))
    expect(doc.assets.map((a) => a.id)).not.toContain(fx.goneId)
    expect(doc.findings).toHaveLength(fx.findings.length)
    expect(doc.findings[0]).toMatchObject({
      line: 1,
      member: 'archive/data.pkl',
      callable: 'os.system',
    })
    expect(doc.skipped).toHaveLength(2)
    expect(doc.scan).toMatchObject({ id: fx.inv.scan.id, roots: fx.inv.scan.roots })
    expect(doc.schemaVersion).toBe(1)
  })

  it('includes gone assets only with includeGone', async () => {
    const doc = JSON.parse(await render('json', fx.inv, { ...OPTS, includeGone: true })) as {
      assets: { id: string }[]
    }
    expect(doc.assets.map((a) => a.id)).toContain(fx.goneId)
  })

  it('the schema rejects a secret asset that carries a value and an asset of an unknown kind', async () => {
    const validate = schemaValidator()
    const doc = JSON.parse(await render('json', fx.inv)) as { assets: Record<string, unknown>[] }
    const secret = doc.assets.find((a) => a['kind'] === 'secret')!
    secret['details'] = { ...(secret['details'] as object), value: 'x' }
    expect(validate(doc)).toBe(false)
    const doc2 = JSON.parse(await render('json', fx.inv)) as { assets: Record<string, unknown>[] }
    doc2.assets[0]!['kind'] = 'spaceship'
    expect(validate(doc2)).toBe(false)
  })

  it('writes valid JSON for an empty inventory', async () => {
    const inv = { ...fx.inv, assets: () => [], findings: () => [], skipped: () => [] }
    const doc = JSON.parse(await render('json', inv)) as object
    expect(schemaValidator()(doc)).toBe(true)
  })
})

describe('csv', () => {
  it('has one RFC 4180 row per asset with flattened details columns', async () => {
    const text = await render('csv', fx.inv, { ...OPTS, csvTable: 'assets' })
    const rows = parseCsv(text)
    const [header, ...body] = rows
    expect(body).toHaveLength(fx.assets.length - 1)
    for (const r of body) expect(r).toHaveLength(header!.length)
    const col = (name: string) => header!.indexOf(name)
    expect(col('details.quantization')).toBeGreaterThan(0)
    const model = body.find((r) => r[col('name')] === 'acme/tiny-llama')!
    expect(model[col('details.quantization')]).toBe('bf16')
    expect(model[col('sha256')]).toBe(fx.modelSha)
    expect(model[col('kind')]).toBe('model')
    const nb = body.find((r) => r[col('kind')] === 'notebook')!
    expect(nb[col('name')]).toBe('analysis "v2".ipynb')
    expect(text).toContain('"analysis ""v2"".ipynb"')
    const evil = body.find((r) => r[col('kind')] === 'model' && r[col('verdict')] === 'malicious')!
    expect(evil[col('findings')]).toBe('1')
    expect(evil[col('maxSeverity')]).toBe('critical')
    const mcp = body.find((r) => r[col('kind')] === 'mcp-server')!
    expect(mcp[col('details.args')]).toBe('["-y","@acme/mcp-files","--root","/"]')
    expect(mcp[col('links')]).toBe('uses-key:secret-6')
    // A multi-file model's files in one readable cell, each with format, size, verdict and digest.
    const sharded = body.find((r) => r[col('name')] === 'acme/sharded')!
    expect(sharded[col('details.parts')]).toMatch(
      /^model-00001-of-00002\.safetensors \[safetensors, 5000000000 B, safe, sha256 [0-9a-f]{64}\]; pytorch_model\.bin \[pickle, 4000000000 B, malicious, sha256 [0-9a-f]{64}\]$/,
    )
  })

  it('has a findings table with each rule’s why and fix, after the assets (or on its own)', async () => {
    const both = await render('csv', fx.inv)
    const [assetsText, findingsText] = both.split('\r\n\r\n')
    expect(assetsText + '\r\n').toBe(await render('csv', fx.inv, { ...OPTS, csvTable: 'assets' }))
    expect(findingsText).toBe(await render('csv', fx.inv, { ...OPTS, csvTable: 'findings' }))
    const [header, ...rows] = parseCsv(findingsText!)
    expect(header).toEqual([
      'id',
      'severity',
      'ruleId',
      'title',
      'message',
      'path',
      'line',
      'member',
      'offset',
      'callable',
      'assetId',
      'why',
      'fix',
    ])
    expect(rows).toHaveLength(fx.findings.length)
    const col = (n: string) => header!.indexOf(n)
    for (const r of rows) {
      expect(r[col('why')]!.length).toBeGreaterThan(20)
      expect(r[col('fix')]!.length).toBeGreaterThan(10)
    }
  })

  it('escapes formula-looking cells with a leading quote', async () => {
    const rows = parseCsv(await render('csv', fx.inv, { ...OPTS, csvTable: 'assets' }))
    const header = rows[0]!
    const mcp = rows.find((r) => r[header.indexOf('kind')] === 'mcp-server')!
    expect(mcp[header.indexOf('name')]).toBe(`'${FORMULA_NAME}`)
    for (const r of rows) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/)
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2')).toBe("'-2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('\rx')).toBe(`"'\rx"`)
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"')
    expect(csvCell(' pad')).toBe('" pad"')
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(HOSTILE_NAME)).toBe(HOSTILE_NAME)
  })
})
