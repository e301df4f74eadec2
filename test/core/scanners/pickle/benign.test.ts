import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PICKLE_FAMILY_SCANNERS } from '../../../../src/core/scanners/registry'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import {
  legacyTorch,
  npy,
  numpyArrayPickle,
  sklearnJoblib,
  stdlibTypesPickle,
  torchStateDictPickle,
  torchZip,
} from '../../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { maxSeverity, rules, scanBytes, verdict } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-pickle-benign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BENIGN: ReadonlyArray<[string, () => Buffer, string]> = [
  ['torch state dict pickle', () => torchStateDictPickle(5), 'pickle'],
  ['torch zip (archive/)', () => torchZip(torchStateDictPickle()), 'pytorch-zip'],
  [
    'torch zip with another top dir',
    () => torchZip(torchStateDictPickle(), 'my_model_v2'),
    'pytorch-zip',
  ],
  ['legacy torch file', () => legacyTorch(), 'pytorch-legacy'],
  ['numpy array + scalar pickle', numpyArrayPickle, 'pickle'],
  ['stdlib types pickle', stdlibTypesPickle, 'pickle'],
  ['sklearn joblib with raw array bytes', sklearnJoblib, 'joblib'],
  ['npy v1', () => npy({ version: 1 }), 'numpy'],
  ['npy v2', () => npy({ version: 2 }), 'numpy'],
  ['npy v3', () => npy({ version: 3 }), 'numpy'],
  [
    'npz of two arrays',
    () =>
      buildZip([
        { name: 'a.npy', data: npy(), deflate: true },
        { name: 'b.npy', data: npy({ shape: [4] }) },
      ]),
    'npz',
  ],
]

describe('benign real-shaped files stay safe', () => {
  for (const [label, make, format] of BENIGN) {
    it(`${label}: safe, nothing above low, format ${format}`, () => {
      const r = scanBytes(make())
      expect(r.findings).toEqual([])
      expect(r.invalid).toBeUndefined()
      expect(verdict(r)).toBe('safe')
      expect(r.format).toBe(format)
    })
  }

  it('joblib raw array bytes that look like opcodes are skipped, not parsed', () => {
    // The coef_ array bytes spell `cos\nsystem\n...`; parsing them as opcodes would flag os.system.
    const r = scanBytes(sklearnJoblib())
    expect(rules(r)).not.toContain('pickle.dangerous-callable')
  })

  it('scanModelFile on files written to disk gives safe verdicts', async () => {
    const files: Array<[string, Buffer]> = [
      ['pytorch_model.bin', torchZip(torchStateDictPickle())],
      ['model.joblib', sklearnJoblib()],
      ['weights.npy', npy()],
      ['legacy.pt', legacyTorch()],
    ]
    for (const [name, data] of files) {
      const p = join(dir, name)
      writeFileSync(p, data)
      const rep = await scanModelFile(p, { scanners: PICKLE_FAMILY_SCANNERS, hash: false })
      expect(rep.verdict, name).toBe('safe')
      expect(maxSeverity({ format: rep.format, findings: rep.findings })).toBe('none')
    }
  })
})
