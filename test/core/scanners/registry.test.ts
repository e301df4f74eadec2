import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../src/core/scanners/byte-source'
import { classifyCandidate } from '../../../src/core/scanners/candidate'
import {
  MODEL_EXTENSIONS,
  MODEL_FORMATS,
  SCANNERS,
  scannersClaiming,
} from '../../../src/core/scanners/registry'
import { extensionMismatch, scanModelFile } from '../../../src/core/scanners/scan-file'
import type { FormatScanner, ModelFormat } from '../../../src/core/scanners/types'
import { defineScanner } from '../../../src/core/scanners/types'
import { callPickle } from '../../fixtures/generators/pickle/fixtures'

/** A format added the way a new one is: one scanner object, one more registry entry. */
const toyScanner = defineScanner({
  formats: ['toy'],
  extensions: ['.toy'],
  claims: ['.toy'],
  sniff: (head) => Buffer.from(head.subarray(0, 4)).toString('latin1') === 'TOY!',
  scan: () => ({ format: 'toy', findings: [] }),
})
// The cast stands in for the registry line that would add `toy` to ModelFormat.
const withToy = [toyScanner as unknown as FormatScanner<ModelFormat>, ...SCANNERS]

describe('the scanner registry is the one source of format facts', () => {
  it('derives the candidate extensions and format names from the registered scanners', () => {
    for (const s of SCANNERS) {
      for (const x of s.extensions) {
        expect(x).toMatch(/^\.[a-z0-9]+$/)
        expect(MODEL_EXTENSIONS.has(x)).toBe(true)
      }
      for (const f of s.formats) expect(MODEL_FORMATS).toContain(f)
    }
    expect(MODEL_FORMATS).toContain('unknown')
    // Document extensions never make a crawled file a model candidate.
    for (const x of ['.json', '.jinja', '.zip', '.tar', '.txt'])
      expect(MODEL_EXTENSIONS.has(x)).toBe(false)
  })

  it('lets several scanners claim one extension', () => {
    const pkl = scannersClaiming('.pkl').map((s) => s.formats[0])
    expect(pkl).toEqual(expect.arrayContaining(['pickle', 'joblib', 'zip', 'pytorch-legacy']))
    expect(scannersClaiming('.safetensors').map((s) => s.formats[0])).toEqual(['safetensors'])
  })

  it('classifies, scans and checks extensions of a newly registered format without other edits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'))
    const toy = join(dir, 'w.toy')
    writeFileSync(toy, 'TOY!payload')
    expect(classifyCandidate(toy, 'w.toy', withToy)).toEqual({ kind: 'model', format: 'toy' })
    expect(classifyCandidate(toy, 'w.toy')).toEqual({ kind: 'not-model' })
    const rep = await scanModelFile(toy, { scanners: withToy, hash: false })
    expect(rep.verdict).toBe('safe')
    // A pickle under the new extension is reported as a mismatch naming the claimed format.
    const m = extensionMismatch(
      'x.toy',
      bufferSource(callPickle('os', 'system', 'id'), 'x.toy'),
      withToy,
    )
    expect(m?.message).toBe('Extension .toy claims toy but the content is pickle')
  })

  it('trusts a weak sniff (ONNX protobuf shape) only under its own extension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'))
    const onnxish = Buffer.from([0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0x3a, 0x00])
    writeFileSync(join(dir, 'blob'), onnxish)
    writeFileSync(join(dir, 'm.onnx'), onnxish)
    expect(classifyCandidate(join(dir, 'blob'), 'blob').kind).toBe('not-model')
    expect(classifyCandidate(join(dir, 'm.onnx'), 'm.onnx')).toEqual({
      kind: 'model',
      format: 'onnx',
    })
  })
})
