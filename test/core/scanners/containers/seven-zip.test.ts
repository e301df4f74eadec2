import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { loadSevenZip } from '../../../../src/core/scanners/compressed/seven-zip-engine'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import { scanSource, withSeverity } from '../../../../src/core/scanners/scan-source'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { benignPickle, maliciousPickle } from '../../../fixtures/generators/repo/archives'
import { buildSevenZip } from '../../../fixtures/generators/repo/seven-zip-writer'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-7z-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, bytes: Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, bytes)
  return p
}

describe('7z containers (7-Zip in WebAssembly)', () => {
  it('scanModelFile loads the decoder on demand and finds a pickle hidden in a 7z', async () => {
    const p = file(
      'weights.7z',
      buildSevenZip([
        { name: 'weights/evil.pkl', data: maliciousPickle() },
        { name: 'weights/good.pkl', data: benignPickle() },
      ]),
    )
    const r = await scanModelFile(p, { hash: false })
    expect(r.format).toBe('7z')
    expect(r.verdict).toBe('malicious')
    const f = r.findings.find((x) => x.ruleId === 'pickle.dangerous-callable')
    expect(f?.member).toBe('weights/evil.pkl')
  })

  describe('with the decoder loaded', () => {
    beforeAll(async () => {
      expect(await loadSevenZip()).toBe(true)
    })
    const scan = (bytes: Buffer, name = 'x.7z') => {
      const r = scanSource(bufferSource(bytes, name), { path: `/m/${name}` })
      return { ...r, rules: r.findings.map((f) => f.ruleId), all: r.findings.map(withSeverity) }
    }

    it('a 7z of benign pickles is clean', () => {
      const r = scan(buildSevenZip([{ name: 'model.pkl', data: benignPickle() }]))
      expect(r.findings).toEqual([])
      expect(r.invalid).toBeUndefined()
    })

    it('a 7z nested inside a zip is opened', () => {
      const inner = buildSevenZip([{ name: 'p.pkl', data: maliciousPickle() }])
      const r = scan(buildZip([{ name: 'bundle/inner.7z', data: inner }]), 'bundle.zip')
      expect(r.rules).toContain('pickle.dangerous-callable')
    })

    it('encrypted members are unscannable at medium, never safe', () => {
      const r = scan(buildSevenZip([{ name: 'p.pkl', data: maliciousPickle() }], { coder: 'aes' }))
      expect(r.rules).toEqual(['archive.unscannable'])
      expect(r.all[0]!.severity).toBe('medium')
      expect(r.invalid).toBeDefined()
    })

    it('declared sizes beyond the bomb limits are refused before extraction', () => {
      const r = scan(
        buildSevenZip([{ name: 'p.pkl', data: benignPickle() }], { declaredSize: 50_000_000 }),
      )
      expect(r.rules).toEqual(['archive.bomb'])
    })

    it('a truncated or garbage 7z is unscannable, never safe', () => {
      const good = buildSevenZip([{ name: 'p.pkl', data: maliciousPickle() }])
      const t = scan(good.subarray(0, good.length - 10))
      expect(t.rules).toContain('archive.unscannable')
      expect(t.invalid).toBeDefined()
      const g = scan(Buffer.concat([good.subarray(0, 32), Buffer.alloc(200, 0x41)]))
      expect(g.rules).toContain('archive.unscannable')
    })
  })
})
