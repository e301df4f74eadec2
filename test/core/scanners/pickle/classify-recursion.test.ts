import { describe, expect, it } from 'vitest'
import { classifyImport } from '../../../../src/core/scanners/pickle'
import { protocol0Call } from '../../../fixtures/generators/pickle/fixtures'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { callables, rules, scanBytes, verdict } from './helpers'

/**
 * A strong component (system / eval / exec / popen) as the last part of a dotted path once sent
 * classifyImport into endless self-recursion: the stack overflow surfaced as `pickle.malformed`,
 * the verdict became `invalid`, and every later import in the stream went unchecked.
 */
describe('classifyImport on strong components that end the path', () => {
  for (const [m, n] of [
    ['IPython.utils.process', 'system'],
    ['torch.nn', 'Module.eval'],
    ['foo', 'eval'],
    ['foo', 'exec'],
    ['a.b', 'popen'],
    ['system', 'system'],
    ['eval', 'eval.eval.eval'],
  ] as const) {
    it(`${m}.${n} is denied without unbounded recursion`, () => {
      const v = classifyImport(m, n)
      expect(v.tier).toBe('deny')
    })
  }

  it('a deep chain of strong components stays bounded and denied', () => {
    const v = classifyImport('x', Array.from({ length: 500 }, () => 'eval').join('.'))
    expect(v.tier).toBe('deny')
  })

  it('still names the dangerous module a strong component leads to', () => {
    const v = classifyImport('gettext', 'os.system')
    expect(v.tier === 'deny' && v.reason).toMatch(/os/)
  })
})

describe('pickles that import a path ending in a strong component', () => {
  it('IPython.utils.process.system (protocol 0 GLOBAL + REDUCE) is malicious', () => {
    const r = scanBytes(protocol0Call('IPython.utils.process', 'system', 'echo pwned'), 'x.pkl')
    expect(callables(r)).toContain('IPython.utils.process.system')
    expect(rules(r)).not.toContain('pickle.malformed')
    expect(r.invalid).toBeUndefined()
    expect(verdict(r)).toBe('malicious')
  })

  it('torch.nn Module.eval, POP, then os.system: the later os.system is still found', () => {
    const w = new PickleWriter().proto(4)
    w.unicode('torch.nn').unicode('Module.eval').stackGlobal().op(0x30)
    w.unicode('os').unicode('system').stackGlobal().unicode('echo pwned').tuple1().reduce().stop()
    const r = scanBytes(w.bytes(), 'x.pkl')
    expect(callables(r)).toContain('torch.nn.Module.eval')
    expect(callables(r)).toContain('os.system')
    expect(rules(r)).not.toContain('pickle.malformed')
    expect(verdict(r)).toBe('malicious')
  })

  it('an unknown global named eval, POP, then os.system is malicious', () => {
    const w = new PickleWriter().proto(2).global('foo', 'eval').op(0x30)
    w.callGlobal('os', 'system', 'echo pwned').stop()
    const r = scanBytes(w.bytes(), 'x.pkl')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })
})
