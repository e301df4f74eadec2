import { describe, expect, it } from 'vitest'
import { findRule } from '../../../src/core/rules'
import { createSecretScanner } from '../../../src/core/secrets'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { renderInventoryTable } from '../../../src/cli/table'
import { polishInventory } from '../../fixtures/generators/report-polish'
import { render } from './helpers'

const inv = polishInventory

/** Issue 15 items 11-13: what reports say, and how. */
describe('report polish', () => {
  it('HTML: +N more chips open, details read as fields, 0 GPUs said, risky rows say why', async () => {
    const page = await render('html', inv)
    expect(page).toMatch(/<details class="more"><summary>\+2 more<\/summary>/)
    // Readable fields, never raw JSON of a detail object.
    expect(page).not.toContain('{&quot;manufacturer')
    expect(page).toContain('<b>CPU</b> manufacturer AMD · brand EPYC · cores 2')
    expect(page).toContain('<b>memory</b> 23.5 GiB')
    expect(page).toContain('<b>GPUs</b> none')
    expect(page).toContain('Compute (1 entry, 0 GPUs)')
    expect(page).not.toContain('Compute (GPUs)')
    expect(page).toMatch(
      /class="why-line"[^>]*><b>posix\.system<\/b> · Pickle imports a callable that can run code</,
    )
    // Counts read as English: 1 file, 2 findings, 1 cache hit.
    expect(page).toContain('1 file · complete')
    expect(page).toContain('2 findings in all')
    expect(page).not.toMatch(/\b1 (files|kinds|findings|paths|cache hits)\b/)
  })

  it('HTML: coverage is visible even with nothing skipped, fix text has no literal backticks', async () => {
    const page = await render('html', inv)
    const cov = page.slice(
      page.indexOf('<section id="coverage">'),
      page.indexOf('<section id="findings">'),
    )
    expect(cov).toContain(
      'Checked 214 known locations, crawled\n      1 file in 1 folder, pruned\n      3,625 folders, skipped 0 paths.',
    )
    expect(cov).toMatch(/<td>__pycache__<\/td><td class="num">3,621<\/td>/)
    expect(cov).toContain('none: every path was read')
    expect(page).not.toContain('&#96;')
    expect(page).toContain('<code>$(pass show ...)</code>')
  })

  it('JSON findings carry their rule’s why and fix; a .env key is not told about notebooks', async () => {
    const doc = JSON.parse(await render('json', inv)) as { findings: Record<string, string>[] }
    const env = doc.findings.find((f) => f['ruleId'] === 'secret.ai-api-key')!
    expect(env['fix']).toBe(findRule('secret.ai-api-key')!.fix)
    expect(env['why']).toBe(findRule('secret.ai-api-key')!.why)
    expect(env['fix']).not.toMatch(/notebook/i)
    expect(findRule('secret.ai-api-key-in-notebook')!.fix).toMatch(/clear the outputs/)
  })

  it('a key in a notebook gets the notebook rule (clear outputs); one in a .env the plain one', () => {
    const scanner = createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(3) })
    const key = KEY_MAKERS['openai-project']!(makeRng(15))
    const env = scanner.scanText(`OPENAI_API_KEY=${key}\n`, {
      path: '/home/dev/project/.env',
      kind: 'dotenv',
    })
    const notebook = JSON.stringify({
      cells: [{ cell_type: 'code', source: [`client = OpenAI(api_key="${key}")\n`], outputs: [] }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    })
    const nb = scanner.scanNotebook(notebook, '/home/dev/project/a.ipynb')
    expect(env.map((h) => h.ruleId)).toEqual(['secret.ai-api-key'])
    expect(nb.map((h) => h.ruleId)).toEqual(['secret.ai-api-key-in-notebook'])
    expect(findRule(env[0]!.ruleId)!.fix).not.toMatch(/notebook|outputs/i)
    expect(findRule(nb[0]!.ruleId)!.fix).toMatch(/clear the outputs/)
  })

  it('table: wraps messages and fixes at the width with their indent, and pluralises', () => {
    const text = renderInventoryTable(inv, { columns: 72 })
    const lines = text.split('\n')
    const body = lines.filter((l) => l.startsWith('           '))
    expect(body.length).toBeGreaterThan(4)
    for (const l of body) expect(l.length <= 72 || !l.trim().includes(' ')).toBe(true)
    expect(lines.some((l) => l.startsWith('           fix: Revoke'))).toBe(true)
    expect(lines.some((l) => l.startsWith('                '))).toBe(true)
    expect(text).toContain('1 file, 1 folder in 1.0 s')
    expect(text).not.toMatch(/\b1 files\b|\b1 paths\b/)
  })
})
