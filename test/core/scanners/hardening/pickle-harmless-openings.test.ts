import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyCandidate } from '../../../../src/core/scanners/candidate'
import { looksLikePickle } from '../../../../src/core/scanners/pickle/sniff'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import {
  callPickle,
  HARMLESS_OPENINGS,
  openedPickle,
  torchStateDictPickle,
  torchZip,
} from '../../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'

const dir = mkdtempSync(join(tmpdir(), 'openings-'))

/** Issue 15 item 2: pickles that start with a harmless push and pop. */
describe('pickles that start with a harmless push and pop', () => {
  for (const [name, opening] of Object.entries(HARMLESS_OPENINGS)) {
    it(`recognises ${name} before a protocol-0 call as a malicious pickle`, async () => {
      const p = join(dir, `p0-${Object.keys(HARMLESS_OPENINGS).indexOf(name)}.pkl`)
      writeFileSync(p, openedPickle(opening))
      expect(classifyCandidate(p, 'x.pkl')).toEqual({ kind: 'model', format: 'pickle' })
      const r = await scanModelFile(p, { hash: false })
      expect(r.format).toBe('pickle')
      expect(r.verdict).toBe('malicious')
      expect(r.findings.some((f) => f.callable === 'os.system')).toBe(true)
    })

    it(`recognises ${name} before a protocol-2 stream, as a file and as a torch zip's data.pkl`, async () => {
      const body = openedPickle(opening, callPickle('posix', 'system', 'id'))
      const i = Object.keys(HARMLESS_OPENINGS).indexOf(name)
      const raw = join(dir, `p2-${i}.pt`)
      writeFileSync(raw, body)
      expect((await scanModelFile(raw, { hash: false })).verdict).toBe('malicious')
      const zipped = join(dir, `zip-${i}.pt`)
      writeFileSync(zipped, torchZip(body))
      const z = await scanModelFile(zipped, { hash: false })
      expect(z.format).toBe('pytorch-zip')
      expect(z.verdict).toBe('malicious')
      expect(z.findings.find((f) => f.callable === 'posix.system')?.member).toMatch(/data\.pkl$/)
    })
  }

  it('keeps benign openings benign', async () => {
    const p = join(dir, 'benign.pt')
    writeFileSync(
      p,
      torchZip(openedPickle(HARMLESS_OPENINGS['N0 (None, pop)']!, torchStateDictPickle())),
    )
    expect((await scanModelFile(p, { hash: false })).verdict).toBe('safe')
  })

  it('does not take text or random bytes for a pickle', () => {
    const texts = [
      'Lorem ipsum dolor sit amet\n',
      '(c) 2024 The Authors. All rights reserved.\n',
      'import os\nos.system("id")\n',
      '{"a": 1}\n',
      'N\n',
      'I am a README\n',
      'apple\nbanana\n',
    ]
    for (const t of texts) expect(looksLikePickle(Buffer.from(t)), t).toBe(false)
    let seed = 7
    for (let n = 0; n < 2000; n++) {
      const b = Buffer.alloc(256)
      for (let i = 0; i < b.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0
        b[i] = seed >>> 24
      }
      if (b[0] === 0x80 && b[1]! <= 5) continue
      expect(looksLikePickle(b)).toBe(false)
    }
  })

  it('reports unrecognised binary content under a model extension instead of saying nothing', () => {
    const p = join(dir, 'weights.pkl')
    writeFileSync(p, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03]))
    expect(classifyCandidate(p, 'weights.pkl')).toEqual({ kind: 'unrecognised' })
    const firmware = join(dir, 'firmware.bin')
    writeFileSync(firmware, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03]))
    expect(classifyCandidate(firmware, 'firmware.bin')).toEqual({ kind: 'not-model' })
    const text = join(dir, 'notes.pt')
    writeFileSync(text, 'just some notes\n')
    expect(classifyCandidate(text, 'notes.pt')).toEqual({ kind: 'not-model' })
  })

  it('finds the payload in a plain zip member that opens with a harmless push', async () => {
    const p = join(dir, 'bundle.npz')
    writeFileSync(
      p,
      buildZip([{ name: 'w.pkl', data: openedPickle(HARMLESS_OPENINGS['(1 (mark, pop mark)']!) }]),
    )
    expect((await scanModelFile(p, { hash: false })).verdict).toBe('malicious')
  })
})
