import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { FindingSink } from '../../../../src/core/scanners/pickle/findings'
import { linearPass } from '../../../../src/core/scanners/pickle/linear'
import {
  decodeEscapeBytes,
  decodeRawUnicodeEscape,
} from '../../../../src/core/scanners/pickle/py-text'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { callables, rules, scanBytes, verdict } from './helpers'

/** Protocol-0 UNICODE (`V`): the operand line is raw-unicode-escape text, written as given. */
const unicode0 = (w: PickleWriter, raw: string): PickleWriter =>
  w.raw(Buffer.from(`V${raw}\n`, 'latin1'))
/** Protocol-0 STRING (`S`): the operand line is a quoted escape_decode literal, written as given. */
const string0 = (w: PickleWriter, raw: string): PickleWriter =>
  w.raw(Buffer.from(`S'${raw}'\n`, 'latin1'))

type Op = (w: PickleWriter, raw: string) => PickleWriter

/** STACK_GLOBAL(module, name)('id') with both names written through `op` exactly as given. */
function stackCall(op: Op, module: string, name: string): Buffer {
  const w = new PickleWriter().proto(4)
  op(w, module)
  op(w, name)
  w.stackGlobal().mark()
  op(w, 'id')
  return w.tuple().reduce().stop().bytes()
}

describe('UNICODE operands decode as raw-unicode-escape, as CPython does', () => {
  it('\\U with eight hex digits spells subprocess: subprocess.check_output is malicious', () => {
    const r = scanBytes(stackCall(unicode0, '\\U00000073ubprocess', 'check_output'), 'x.pkl')
    expect(callables(r)).toContain('subprocess.check_output')
    expect(verdict(r)).toBe('malicious')
  })

  it('\\U spelling the call name: os.system is malicious', () => {
    const r = scanBytes(stackCall(unicode0, 'os', '\\U00000073\\U00000079stem'), 'x.pkl')
    expect(callables(r)).toContain('os.system')
    expect(verdict(r)).toBe('malicious')
  })

  it('\\u with four hex digits still decodes', () => {
    const r = scanBytes(stackCall(unicode0, '\\u006fs', 'system'), 'x.pkl')
    expect(callables(r)).toContain('os.system')
  })

  it('a backslash pair before u is not an escape (both backslashes are kept)', () => {
    expect(decodeRawUnicodeEscape('\\\\u0073').text).toBe('\\\\u0073')
    expect(decodeRawUnicodeEscape('\\\\\\u0073').text).toBe('\\\\s')
    expect(decodeRawUnicodeEscape('a\\nb\\').text).toBe('a\\nb\\')
    expect(decodeRawUnicodeEscape('\\U0001F600').text).toBe('\u{1F600}')
    expect(decodeRawUnicodeEscape('\\ud800').text).toBe('\ud800')
  })

  for (const bad of ['\\u00zzos', '\\u006', '\\U0011000000', '\\U0000007']) {
    it(`an escape CPython rejects (${bad}) is reported, and a later os.system is still found`, () => {
      expect(decodeRawUnicodeEscape(bad).error).toBeDefined()
      const w = new PickleWriter().proto(2)
      unicode0(w, bad).op(0x30)
      w.callGlobal('os', 'system', 'id').stop()
      const r = scanBytes(w.bytes(), 'x.pkl')
      expect(rules(r)).toContain('pickle.malformed')
      expect(callables(r)).toContain('os.system')
      expect(verdict(r)).toBe('malicious')
    })
  }

  it('a rejected escape alone is never safe', () => {
    const w = new PickleWriter().proto(2)
    const r = scanBytes(unicode0(w, '\\u00zz').stop().bytes(), 'x.pkl')
    expect(rules(r)).toContain('pickle.malformed')
    expect(verdict(r)).not.toBe('safe')
  })
})

describe('STRING operands decode as codecs.escape_decode, as CPython does', () => {
  it('an octal escape above \\377 keeps its low byte: \\563 is s, subprocess.check_output', () => {
    const r = scanBytes(stackCall(string0, '\\563ubprocess', 'check_output'), 'x.pkl')
    expect(callables(r)).toContain('subprocess.check_output')
    expect(verdict(r)).toBe('malicious')
  })

  it('hex and octal escapes decode', () => {
    const r = scanBytes(stackCall(string0, '\\x6fs', 's\\171stem'), 'x.pkl')
    expect(callables(r)).toContain('os.system')
  })

  it('an unknown escape keeps its backslash (o\\s is not os)', () => {
    expect(decodeEscapeBytes('o\\s').text).toBe('o\\s')
    const r = scanBytes(stackCall(string0, 'o\\s', 'system'), 'x.pkl')
    expect(callables(r)).not.toContain('os.system')
  })

  it('the C escapes CPython knows decode to their bytes', () => {
    expect(decodeEscapeBytes('\\a\\b\\f\\v\\t\\n\\r\\\\\\\'\\"').text).toBe('\x07\b\f\v\t\n\r\\\'"')
  })

  it('an invalid \\x escape or a trailing backslash is reported, never safe', () => {
    expect(decodeEscapeBytes('\\xg1').error).toBeDefined()
    expect(decodeEscapeBytes('ab\\').error).toBeDefined()
    for (const bad of ['\\xg1', '\\x4']) {
      const w = new PickleWriter().proto(2)
      string0(w, bad).op(0x30)
      w.callGlobal('os', 'system', 'id').stop()
      const r = scanBytes(w.bytes(), 'x.pkl')
      expect(rules(r)).toContain('pickle.malformed')
      expect(verdict(r)).toBe('malicious')
    }
  })
})

describe('the linear pass (after a resource limit) decodes the same way', () => {
  for (const [label, bytes] of [
    ['UNICODE \\U', stackCall(unicode0, '\\U00000073ubprocess', 'check_output')],
    ['STRING octal', stackCall(string0, '\\563ubprocess', 'check_output')],
  ] as const) {
    it(`${label}: subprocess.check_output`, () => {
      const sink = new FindingSink(undefined)
      linearPass(bufferSource(bytes, 'x.pkl'), 0, sink)
      expect(sink.list().map((f) => f.callable)).toContain('subprocess.check_output')
    })
  }
})
