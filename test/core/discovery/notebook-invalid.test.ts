import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NOTEBOOK_ANALYZER } from '../../../src/core/discovery/analyzers/notebook'
import {
  checkNotebookDepth,
  MAX_NOTEBOOK_DEPTH,
} from '../../../src/core/discovery/analyzers/notebook/parse'
import { createSecretScanner } from '../../../src/core/secrets/index'
import { DISCOVERY_STORES_RULES } from '../../../src/core/rules/discovery-stores-rules'
import {
  fakeSecretScanner,
  notebookJson,
  riskyNotebook,
  writeNotebook,
} from '../../fixtures/generators/homes/stores-notebooks'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { makeTestContext } from '../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-nb-invalid-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function analyze(name: string, text: string, secrets = fakeSecretScanner) {
  const home = join(root, name)
  const t = makeTestContext({ home, platform: 'linux', secrets })
  const nb = writeNotebook(join(home, `${name}.ipynb`), text)
  await NOTEBOOK_ANALYZER.analyze(nb, t.ctx)
  const asset = t.assets.find((a) => a.kind === 'notebook' && a.path === nb)
  const invalid = t.findings.filter((f) => f.ruleId === 'notebook.invalid' && f.path === nb)
  return { ...t, nb, asset, invalid }
}

/** `{"cells":[[[…]]],"nbformat":4}`: valid JSON nested `depth` levels, as in the review's repro. */
const deep = (depth: number): string =>
  `{"cells":${'['.repeat(depth)}${']'.repeat(depth)},"nbformat":4}`

describe('invalid notebooks', () => {
  it('has a rule for them', () => {
    expect(DISCOVERY_STORES_RULES.some((r) => r.id === 'notebook.invalid')).toBe(true)
  })

  it('reports deeply nested JSON as an invalid notebook with a finding, not a clean one', async () => {
    const r = await analyze('deep', deep(200_000))
    expect(r.asset?.verdict).toBe('invalid')
    expect(r.asset?.details?.cellCount).toBeUndefined()
    expect(String(r.asset?.details?.parseError)).toContain(`${MAX_NOTEBOOK_DEPTH} levels`)
    expect(r.invalid).toHaveLength(1)
    expect(r.invalid[0]!.assetId).toBe(r.asset?.id)
  })

  it('still finds a key in a notebook nested too deep, as plain text', async () => {
    const key = KEY_MAKERS['openai-project']!(makeRng(4242))
    const text = `{"nbformat":4,"cells":[{"cell_type":"code","source":"k = '${key}'"},${deep(5000)}]}`
    const r = await analyze(
      'deep-key',
      text,
      createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(7) }),
    )
    expect(r.asset?.verdict).toBe('invalid')
    expect(r.assets.filter((a) => a.kind === 'secret')).toHaveLength(1)
  })

  it('checks depth outside strings only, up to the limit', () => {
    expect(() => checkNotebookDepth(deep(MAX_NOTEBOOK_DEPTH - 1))).not.toThrow()
    expect(() => checkNotebookDepth(deep(MAX_NOTEBOOK_DEPTH))).toThrow()
    const inString = `{"s":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`
    expect(() => checkNotebookDepth(inString)).not.toThrow()
  })

  it.each([
    ['no nbformat', JSON.stringify({ cells: [] })],
    ['nbformat not a number', JSON.stringify({ cells: [], nbformat: '4' })],
    ['no cells', JSON.stringify({ nbformat: 4, metadata: {} })],
    ['cells not an array', JSON.stringify({ nbformat: 4, cells: {} })],
    ['a cell not an object', JSON.stringify({ nbformat: 4, cells: [[]] })],
    ['a cell without cell_type', JSON.stringify({ nbformat: 4, cells: [{ source: 'x' }] })],
    [
      'a cell without source',
      JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code', outputs: [] }] }),
    ],
    [
      'a source of numbers',
      JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code', source: [1, 2] }] }),
    ],
    ['not an object', '[1, 2, 3]'],
  ])('reports a notebook with %s as invalid', async (name, text) => {
    const r = await analyze(name.replace(/\W+/g, '-'), text)
    expect(r.asset?.verdict).toBe('invalid')
    expect(r.invalid).toHaveLength(1)
    expect(r.skipped).toContainEqual(expect.objectContaining({ path: r.nb, reason: 'unreadable' }))
  })

  it('leaves real notebooks (nbformat 4 and 3) as they were', async () => {
    const v4 = await analyze('real-v4', riskyNotebook())
    expect(v4.asset?.verdict).toBeUndefined()
    expect(v4.invalid).toHaveLength(0)
    expect(v4.asset?.details?.nbformat).toBe(4)
    expect(v4.asset?.details?.cellCount).toBeGreaterThan(0)
    expect(v4.findings.some((f) => f.ruleId === 'notebook.trust-remote-code')).toBe(true)
    const empty = await analyze('real-empty', notebookJson([]))
    expect(empty.asset?.verdict).toBeUndefined()
    expect(empty.asset?.details?.cellCount).toBe(0)
    const v3 = JSON.stringify({
      nbformat: 3,
      nbformat_minor: 0,
      metadata: { name: 'old' },
      worksheets: [
        {
          cells: [
            { cell_type: 'heading', level: 1, source: ['Title'], metadata: {} },
            { cell_type: 'code', input: ['import torch\n', 'torch.load("a.pt")'], outputs: [] },
          ],
        },
      ],
    })
    const old = await analyze('real-v3', v3)
    expect(old.asset?.verdict).toBeUndefined()
    expect(old.invalid).toHaveLength(0)
    expect(old.asset?.details?.cellCount).toBe(2)
    expect(old.findings.some((f) => f.ruleId === 'notebook.unsafe-torch-load')).toBe(true)
  })
})
