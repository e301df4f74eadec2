import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../src/core/scanners/byte-source'
import { scanSource } from '../../../src/core/scanners/scan-source'
import { torchStateDictPickle, torchZip } from '../../fixtures/generators/pickle/fixtures'
import {
  exoticPickle,
  hdf5UserBlockPickle,
  safetensorsPicklePolyglot,
  tflitePicklePolyglot,
} from '../../fixtures/generators/pickle/polyglots'
import { buildZip } from '../../fixtures/generators/pickle/zip-writer'
import { zstdRaw } from '../../fixtures/generators/repo/archives'
import {
  buildSafetensors,
  rawSafetensors,
  smallModelTensors,
} from '../../fixtures/generators/structured/safetensors'
import { buildTflite } from '../../fixtures/generators/structured/tflite'
import { bytesScanner } from '../../helpers/scan-bytes'

const { scan } = bytesScanner('aiscout-polyglot-')

const POLYGLOTS: Readonly<Record<string, { format: string; bytes: () => Buffer }>> = {
  'TFLite (root offset 0x0643 opens C\\x06)': { format: 'tflite', bytes: tflitePicklePolyglot },
  'safetensors (header length 0x2843 opens C()': {
    format: 'safetensors',
    bytes: safetensorsPicklePolyglot,
  },
}

/**
 * torch.load of a non-zip file falls back to pickle.load, so a file that is a valid structured
 * model and also a pickle from byte 0 runs the pickle: the structured verdict must not hide it.
 */
describe('structured formats that are also a pickle', () => {
  for (const [name, { format, bytes }] of Object.entries(POLYGLOTS)) {
    it(`${name}: both views are scanned and the pickle's verdict wins`, async () => {
      for (const ext of ['.bin', '.pt', format === 'tflite' ? '.tflite' : '.safetensors']) {
        const r = await scan(`poly-${format}${ext}`, bytes())
        expect(r.format, ext).toBe(format)
        expect(r.verdict, ext).toBe('malicious')
        expect(r.findings.map((f) => f.ruleId)).toContain('model.pickle-polyglot')
        expect(r.findings.some((f) => f.callable === 'os.system')).toBe(true)
      }
    })

    it(`${name} as a torch zip's data.pkl is unpickled by torch.load, so it is malicious`, async () => {
      const r = await scan(`zip-${format}.pt`, torchZip(bytes()))
      expect(r.format).toBe('pytorch-zip')
      expect(r.verdict).toBe('malicious')
      const hit = r.findings.find((f) => f.callable === 'os.system')
      expect(hit?.member).toMatch(/data\.pkl$/)
    })

    it(`${name} inside a compressed .pkl.zst is malicious`, async () => {
      const r = await scan(`poly-${format}.pkl.zst`, zstdRaw(bytes()))
      expect(r.verdict).toBe('malicious')
    })
  }

  it("an HDF5 user-block pickle as a torch zip's data.pkl is malicious", async () => {
    const r = await scan('zip-hdf5.pt', torchZip(hdf5UserBlockPickle(exoticPickle('I0x1\n0'))))
    expect(r.verdict).toBe('malicious')
  })

  it('a data.pkl that is no pickle at all is not passed as its other format', async () => {
    const st = buildSafetensors(smallModelTensors())
    const r = await scan('zip-plain-st.pt', torchZip(st))
    expect(r.verdict).not.toBe('safe')
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.malformed')
    // The same file on its own, under its own name, is a clean safetensors file.
    expect((await scan('plain.safetensors', st)).verdict).toBe('safe')
  })

  it('benign structured files whose first bytes look like a pickle opening stay clean', async () => {
    // Header lengths whose bytes read `}q`, `\x80\x02`, `N.` as pickle openings.
    for (const len of [0x717d, 0x0280, 0x2e4e]) {
      const json = JSON.stringify({ w: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } })
      const r = scanSource(bufferSource(rawSafetensors(json.padEnd(len, ' '), 4), 'w'), {
        path: `/m/w-${len}.safetensors`,
      })
      expect(r.format, len.toString(16)).toBe('safetensors')
      expect(r.findings, len.toString(16)).toEqual([])
      expect(r.invalid).toBeUndefined()
    }
    expect((await scan('clean.tflite', buildTflite())).verdict).toBe('safe')
    const zip = buildZip([{ name: 'archive/data.pkl', data: torchStateDictPickle() }])
    expect((await scan('clean.pt', zip)).verdict).toBe('safe')
  })
})
