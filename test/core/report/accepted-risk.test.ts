import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import * as CDX from '@cyclonedx/cyclonedx-library'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AcceptedRisk } from '../../../src/core/inventory'
import { arrayInventory } from '../../../src/core/inventory'
import { fixtureInventory } from '../../fixtures/generators/inventory'
import { loadSarifSchema, render } from './helpers'

/**
 * A finding whose risk a user accepted is shown as accepted in every export (with the note, who
 * and until when) and counted in no open total.
 */
const fx = fixtureInventory({ secretValue: 'sk-proj-PLANTEDacceptedVALUE0123456789' })
const target = fx.findings.find((f) => f.severity === 'critical' && f.assetId !== undefined)!
const NOTE = 'Known test fixture, kept in a sandbox <b>not</b> loaded'
const acc: AcceptedRisk = {
  findingId: target.id,
  ruleId: target.ruleId,
  path: target.path,
  note: NOTE,
  acceptedBy: 'dev',
  acceptedAt: '2026-11-20T10:00:00.000Z',
  expiresAt: '2027-02-01T00:00:00.000Z',
  source: 'local',
}
const inv = arrayInventory({
  host: fx.inv.host,
  scan: fx.inv.scan,
  assets: fx.assets,
  findings: fx.findings,
  skipped: fx.skipped,
  accepted: [acc],
})
const criticalTotal = fx.findings.filter((f) => f.severity === 'critical').length

describe('accepted risk in exports', () => {
  it('json: the finding carries `accepted` and the document stays schema-valid', async () => {
    const doc = JSON.parse(await render('json', inv)) as {
      findings: { id: string; accepted?: Record<string, string> }[]
    }
    const schema = JSON.parse(
      readFileSync(join(__dirname, '../../../resources/schemas/scan-output.schema.json'), 'utf8'),
    )
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(schema)
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    const f = doc.findings.find((x) => x.id === target.id)!
    expect(f.accepted).toEqual({
      note: NOTE,
      acceptedBy: 'dev',
      acceptedAt: acc.acceptedAt,
      expiresAt: acc.expiresAt,
      source: 'local',
    })
    expect(doc.findings.filter((x) => x.accepted).length).toBe(1)
  })

  it('sarif: an accepted suppression with the note as justification, schema-valid', async () => {
    const doc = JSON.parse(await render('sarif', inv)) as {
      runs: {
        results: {
          properties: { findingId: string }
          suppressions?: { kind: string; status: string; justification: string }[]
        }[]
      }[]
    }
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
    addFormats(ajv)
    const validate = ajv.compile(loadSarifSchema())
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    const results = doc.runs[0]!.results
    const suppressed = results.filter((r) => r.suppressions)
    expect(suppressed.map((r) => r.properties.findingId)).toEqual([target.id])
    expect(suppressed[0]!.suppressions).toEqual([
      expect.objectContaining({ kind: 'external', status: 'accepted', justification: NOTE }),
    ])
  })

  it('cyclonedx: a VEX analysis (exploitable, will_not_fix, the note), strictly valid', async () => {
    const text = await render('cyclonedx', inv)
    expect(
      await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(text),
    ).toBeNull()
    const bom = JSON.parse(text) as {
      vulnerabilities: {
        'bom-ref': string
        analysis?: { state: string; response: string[]; detail: string }
        properties?: { name: string; value: string }[]
      }[]
    }
    const analysed = bom.vulnerabilities.filter((v) => v.analysis)
    expect(analysed.map((v) => v['bom-ref'])).toEqual([`finding:${target.id}`])
    expect(analysed[0]!.analysis).toEqual({
      state: 'exploitable',
      response: ['will_not_fix'],
      detail: NOTE,
    })
    expect(analysed[0]!.properties).toContainEqual({
      name: 'aiscout:finding:accepted_until',
      value: acc.expiresAt,
    })
  })

  it('csv: accepted findings are counted apart from the open ones of their asset', async () => {
    const rows = (await render('csv', inv)).trimEnd().split('\r\n')
    const header = rows[0]!.split(',')
    expect(header.slice(0, 14)).toContain('acceptedFindings')
    const col = (n: string): number => header.indexOf(n)
    const row = rows.find((r) => r.startsWith(`${target.assetId},`))!.split(',')
    const open = fx.findings.filter(
      (f) => f.assetId === target.assetId && f.id !== target.id,
    ).length
    expect(Number(row[col('findings')])).toBe(open)
    expect(Number(row[col('acceptedFindings')])).toBe(1)
  })

  it('html: an Accepted risk section with the escaped note; open totals leave it out', async () => {
    const html = await render('html', inv)
    expect(html).toContain('<section id="accepted">')
    expect(html).toContain('Known test fixture, kept in a sandbox &lt;b&gt;not&lt;/b&gt; loaded')
    expect(html).not.toContain('<b>not</b>')
    expect(html).toContain('until 2027-02-01')
    // The findings table lists the other criticals only.
    const findingsSection = html.slice(
      html.indexOf('<section id="findings">'),
      html.indexOf('<section id="accepted">'),
    )
    expect(findingsSection.match(/class="pill sev-critical"/g)?.length ?? 0).toBeGreaterThanOrEqual(
      criticalTotal - 1,
    )
    const plain = await render('html', fx.inv)
    expect(plain).not.toContain('id="accepted"')
  })
})
