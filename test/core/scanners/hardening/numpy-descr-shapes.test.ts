import { describe, expect, it } from 'vitest'
import { descrFacts } from '../../../../src/core/scanners/numpy'
import { parsePyLiteral } from '../../../../src/core/scanners/py-literal'
import { callPickle, npy } from '../../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { callables, rules, scanBytes, verdict } from '../pickle/helpers'

const payload = () => callPickle('os', 'system', 'echo pwned')
const facts = (s: string) => descrFacts(parsePyLiteral(s))

/**
 * `numpy.lib.format.descr_to_dtype` iterates any non-string, non-tuple descr and unpacks each
 * field with `name, descr = field` (or three items with a shape): a two-character string `'aO'`
 * is field `a` of dtype `O`, a dict unpacks its keys. Such headers once scanned as plain numeric
 * arrays (verdict safe) while np.load(allow_pickle=True) unpickled their data.
 */
describe('numpy descr shapes that np.save never writes', () => {
  const objectForms: [string, string][] = [
    ['a list of two-character strings', "['aO']"],
    ['a two-character string among normal fields', "[('x', '<f4'), 'aO']"],
    ['a nested list of two-character strings', "[('x', ['bO'])]"],
    ['a dict', "{'aO': 0}"],
    ['a field given as a two-key dict', "[{'a': 0, 'O': 0}]"],
    ['a three-character field string', "['aO3']"],
    ['a capitalised object alias', "'Object0'"],
    ['a (base, names/formats) view', "('<i8', {'names': ['a'], 'formats': ['O']})"],
  ]
  for (const [name, literal] of objectForms) {
    it(`${name} (${literal}): the pickle behind it is scanned and the payload found`, () => {
      expect(facts(literal).object).toBe(true)
      const r = scanBytes(npy({ descrLiteral: literal, shape: [1], data: payload() }), 'x.npy')
      expect(callables(r)).toContain('os.system')
      expect(verdict(r)).toBe('malicious')
    })
  }

  it('finds the payload in an .npz member whose descr is a list of two-character strings', () => {
    const z = buildZip([
      { name: 'ok.npy', data: npy() },
      { name: 'evil.npy', data: npy({ descrLiteral: "['aO']", shape: [1], data: payload() }) },
    ])
    const r = scanBytes(z, 'arrays.npz')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('evil.npy')
    expect(verdict(r)).toBe('malicious')
  })

  it('reads numeric two-character fields with their sizes, as NumPy does', () => {
    expect(facts("['ab', 'c?']")).toEqual({ object: false, itemsize: 2 })
    expect(facts("[['a', '<f8'], ('b', 'u1', (3,))]")).toEqual({ object: false, itemsize: 11 })
    const short = scanBytes(
      npy({ descrLiteral: "['ab', 'c?']", shape: [4], data: Buffer.alloc(6) }),
      'x.npy',
    )
    expect(rules(short)).toContain('numpy.bad-header')
  })

  it('never passes a dict descr as safe, even over numeric data', () => {
    const r = scanBytes(
      npy({ descrLiteral: "{'af': 0}", shape: [1], data: Buffer.alloc(4) }),
      'x.npy',
    )
    expect(rules(r)).toContain('numpy.bad-header')
    expect(verdict(r)).not.toBe('safe')
  })

  for (const literal of ['5', 'None', "['abcd']", "[('a',)]", "('<f4',)"]) {
    it(`reports a descr NumPy refuses (${literal}) instead of passing it`, () => {
      const r = scanBytes(
        npy({ descrLiteral: literal, shape: [1], data: Buffer.alloc(4) }),
        'x.npy',
      )
      expect(rules(r)).toContain('numpy.bad-header')
      expect(verdict(r)).not.toBe('safe')
    })
  }

  it('keeps the forms np.save writes exact and clean', () => {
    expect(facts("'<f4'")).toEqual({ object: false, itemsize: 4 })
    expect(facts("('<f4', (2, 3))")).toEqual({ object: false, itemsize: 24 })
    expect(facts("[(('title', 'a'), '<i4'), ('', '|V4'), ('b', [('c', '<f8')])]")).toEqual({
      object: false,
      itemsize: 16,
    })
    const r = scanBytes(
      npy({
        descrLiteral: "[('Output', '<f4'), ('b', '<i4')]",
        shape: [2],
        data: Buffer.alloc(16),
      }),
      'x.npy',
    )
    expect(r.findings).toEqual([])
  })
})
