import { describe, expect, it } from 'vitest'
import { ASSET_KINDS } from '../../../src/core/types'
import { KIND_LABELS } from '../../../src/core/report/html/sections'
import { esc } from '../../../src/core/report/html/escape'
import { FORMULA_NAME, HOSTILE_NAME, fixtureInventory } from '../../fixtures/generators/inventory'
import { render } from './helpers'

const fx = fixtureInventory({ secretValue: 'AIzaPLANTEDhtmlVALUE0123456789abcdefghij' })

describe('html report', () => {
  it('is one self-contained file: no script, no external resource, a CSP that forbids fetches', async () => {
    const page = await render('html', fx.inv)
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/<link\b/i)
    expect(page).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i)
    expect(page).not.toMatch(/@import|url\(/i)
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
  })

  it('escapes hostile strings everywhere', async () => {
    const page = await render('html', fx.inv)
    expect(page).not.toContain(HOSTILE_NAME)
    expect(page).toContain(esc(HOSTILE_NAME))
    expect(page).not.toContain('<img')
    expect(page).toContain(esc(FORMULA_NAME))
    expect(esc(`<a href="x" onclick='y'>&\``)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;',
    )
  })

  it('has the summary, severity chart, findings with why and fix, and a table per kind', async () => {
    const page = await render('html', fx.inv)
    expect(page).toContain('dev-laptop-01')
    expect(page).toMatch(/<svg class="chart"[^>]*aria-label="Findings by severity"/)
    expect(page).toContain('Why it matters.')
    expect(page).toContain('How to fix.')
    // Total model storage: 2 GiB + 1.23 GiB + 4 KiB + the 9 GB sharded repo (the gone model is left out).
    expect(page).toContain('11.6 GiB on disk')
    for (const k of ASSET_KINDS) expect(page).toContain(`id="kind-${k}"`)
    for (const k of ASSET_KINDS) expect(page).toContain(KIND_LABELS[k])
    expect(page).not.toContain('gone-model.bin')
    for (const f of fx.findings) expect(page).toContain(esc(f.title))
    const table = page.slice(page.indexOf('<h3>All findings</h3>'))
    const order = ['critical', 'high', 'medium', 'low', 'info'].map((s) =>
      table.indexOf(`pill sev-${s}`),
    )
    expect(order.every((x) => x > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('lists a multi-file model’s files under its name, flagging the one that is not safe', async () => {
    const page = await render('html', fx.inv)
    const row = page.slice(page.indexOf('<b>acme/sharded</b>'))
    const cell = row.slice(0, row.indexOf('</td>'))
    expect(cell).toContain('<li>model-00001-of-00002.safetensors (safetensors, 4.7 GiB)</li>')
    expect(cell).toContain(
      '<li>pytorch_model.bin (pickle, 3.7 GiB) <span class="verdict v-malicious">malicious</span></li>',
    )
    // The parts are not repeated as a detail chip.
    expect(row.slice(0, row.indexOf('</tr>'))).not.toContain('<b>parts</b>')
  })

  it('says so when there is nothing to show', async () => {
    const inv = { ...fx.inv, assets: () => [], findings: () => [], skipped: () => [] }
    const page = await render('html', inv)
    expect(page).toContain('No findings')
    expect(page).toContain('No AI assets found')
  })
})
