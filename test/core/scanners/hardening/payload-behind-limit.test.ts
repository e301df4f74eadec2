import { describe, expect, it } from 'vitest'
import { withSeverity } from '../../../../src/core/scanners/scan-source'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { callPickle } from '../../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { callables, scanBytes, verdict } from '../pickle/helpers'

/** Two million harmless pushes, then `module.name('id')` (the stack limit stops the machine first). */
function pushesThenCall(stackGlobal: boolean): Buffer {
  const w = new PickleWriter().proto(4).raw(Buffer.alloc(2_000_000, 0x4e)) // NONE x 2M
  if (stackGlobal) w.callStackGlobal('os', 'system', 'id')
  else w.callGlobal('os', 'system', 'id')
  return w.stop().bytes()
}

/** Issue 15 item 5: payloads placed behind a resource limit. */
describe('payloads behind a resource limit', () => {
  for (const sg of [false, true]) {
    it(`finds os.system after two million harmless pushes (${sg ? 'STACK_GLOBAL' : 'GLOBAL'})`, () => {
      const r = scanBytes(pushesThenCall(sg), 'model.pkl')
      expect(callables(r)).toContain('os.system')
      const limit = r.findings.find((f) => f.ruleId === 'pickle.resource-limit')
      expect(limit && withSeverity(limit).severity).toBe('high')
      expect(verdict(r)).toBe('malicious')
    })
  }

  it('keeps a benign stream behind the limit at high, never medium: it was not fully analysed', () => {
    const benign = new PickleWriter().proto(4).raw(Buffer.alloc(2_000_000, 0x4e)).stop().bytes()
    const r = scanBytes(benign, 'model.pkl')
    expect(r.findings.map((f) => withSeverity(f).severity)).toContain('high')
    expect(callables(r)).toEqual([])
  })

  it('scans the malicious member of a 100,000-entry zip placed last', () => {
    const members = Array.from({ length: 100_000 }, (_, i) => ({
      name: `shard/${i}.pkl`,
      data: callPickle('collections', 'OrderedDict'),
    }))
    members.push({ name: 'zzz/evil.pkl', data: callPickle('os', 'system', 'id') })
    const r = scanBytes(buildZip(members), 'bundle.zip')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('zzz/evil.pkl')
    expect(r.findings.some((f) => f.ruleId === 'zip.not-scanned')).toBe(false)
  })

  it('scans every pickle-capable member past the limit; skipped data members stay medium', () => {
    const members: { name: string; data: Buffer }[] = Array.from({ length: 100_005 }, (_, i) => ({
      name: `docs/${i}.txt`,
      data: Buffer.from('x'),
    }))
    members.push({ name: 'model/data.pkl', data: callPickle('posix', 'system', 'id') })
    const r = scanBytes(buildZip(members), 'bundle.zip')
    expect(callables(r)).toContain('posix.system')
    const gap = r.findings.find((f) => f.ruleId === 'zip.not-scanned')
    expect(gap?.message).toMatch(/none named like a model/)
    expect(gap && withSeverity(gap).severity).toBe('medium')
  })
})
