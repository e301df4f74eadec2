import { describe, expect, it } from 'vitest'
import { createSecretScanner } from '../../../src/core/secrets'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { KEY } from './helpers'

const scanner = createSecretScanner({ fingerprintKey: KEY })

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length
}

describe('notebook scanning', () => {
  const rng = makeRng(17)
  const codeKey = KEY_MAKERS['openai-project']!(rng)
  const outKey = KEY_MAKERS['anthropic-api']!(rng)
  const commentKey = KEY_MAKERS['groq']!(rng)
  const mdKey = KEY_MAKERS['huggingface-token']!(rng)
  const singleStringKey = KEY_MAKERS['tavily']!(rng)
  const nb = JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Setup\n', `token ${mdKey}\n`] },
        {
          cell_type: 'code',
          execution_count: 1,
          metadata: {},
          // The key is followed by `\"` and then `\n` in the raw JSON (the gitleaks miss).
          source: [
            'import os\n',
            `os.environ["OPENAI_API_KEY"] = "${codeKey}"\n`,
            `# GROQ_API_KEY="${commentKey}"\n`,
          ],
          outputs: [
            { output_type: 'stream', name: 'stdout', text: [`ANTHROPIC_API_KEY=${outKey}\n`] },
          ],
        },
        {
          cell_type: 'code',
          execution_count: 2,
          metadata: {},
          source: `x = 1\nTAVILY = "${singleStringKey}"`,
          outputs: [
            {
              output_type: 'execute_result',
              execution_count: 2,
              data: { 'text/plain': [`'${codeKey}'`] },
              metadata: {},
            },
          ],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )

  it('finds keys in code cells, outputs, comments and markdown, with .ipynb line numbers', () => {
    const hits = scanner.scanNotebook(nb, '/h/nb/explore.ipynb')
    const byDetector = (d: string) => hits.filter((h) => h.detector === d)
    const code = byDetector('openai-project')
    expect(code.map((h) => h.where).sort()).toEqual(['code', 'output'])
    expect(code.find((h) => h.where === 'code')!.line).toBe(lineOf(nb, `${codeKey}\\"`))
    const out = byDetector('anthropic-api')
    expect(out).toHaveLength(1)
    expect(out[0]!.where).toBe('output')
    expect(out[0]!.line).toBe(lineOf(nb, outKey))
    // Outputs are shared with the notebook: one level above the provider default.
    expect(out[0]!.severity).toBe('critical')
    expect(byDetector('groq')[0]!.where).toBe('comment')
    expect(byDetector('huggingface-token')[0]!.where).toBe('comment')
    expect(byDetector('tavily')[0]!.where).toBe('code')
    expect(hits).toHaveLength(6)
    const blob = JSON.stringify(hits)
    for (const k of [codeKey, outKey, commentKey, mdKey, singleStringKey])
      expect(blob).not.toContain(k)
  })

  it('scanText with kind notebook is the same as scanNotebook', () => {
    expect(scanner.scanText(nb, { path: '/h/nb/explore.ipynb', kind: 'notebook' })).toEqual(
      scanner.scanNotebook(nb, '/h/nb/explore.ipynb'),
    )
  })

  it('a broken notebook is still scanned as text', () => {
    const broken = nb.slice(0, nb.indexOf(outKey) + outKey.length + 5)
    const hits = scanner.scanNotebook(broken, '/h/nb/broken.ipynb')
    expect(hits.map((h) => h.detector)).toContain('anthropic-api')
  })

  it('ignores key-like runs inside base64 image outputs', () => {
    const payload = `iVBOR/${KEY_MAKERS['google-api-key']!(rng)}+AAAA`
    const nbWith = (mime: string) =>
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            source: ['plot()'],
            outputs: [{ output_type: 'display_data', data: { [mime]: payload } }],
          },
        ],
      })
    expect(scanner.scanNotebook(nbWith('image/png'), '/h/nb/plot.ipynb')).toEqual([])
    // Control: the same run in a text output is reported.
    expect(scanner.scanNotebook(nbWith('text/plain'), '/h/nb/plot.ipynb')).toHaveLength(1)
  })
})
