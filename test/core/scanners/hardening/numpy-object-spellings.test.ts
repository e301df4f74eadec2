import { describe, expect, it } from 'vitest'
import { parsePyLiteral } from '../../../../src/core/scanners/py-literal'
import { descrFacts } from '../../../../src/core/scanners/numpy'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { benignObjectPayload, callPickle, npy } from '../../../fixtures/generators/pickle/fixtures'
import { callables, maxSeverity, rules, scanBytes, verdict } from '../pickle/helpers'

const payload = () => callPickle('os', 'system', 'id')

/** Issue 15 item 1: every spelling of an object dtype that np.load(allow_pickle=True) unpickles. */
describe('numpy object arrays spelled differently', () => {
  const spellings: [string, Parameters<typeof npy>[0]][] = [
    ["descr 'object'", { descr: 'object' }],
    ["descr 'object_'", { descr: 'object_' }],
    ["descr '=O'", { descr: '=O' }],
    ["descr 'O8'", { descr: 'O8' }],
    ["comma string 'i4,O'", { descr: 'i4,O' }],
    ["sub-array string '(2,)O'", { descr: '(2,)O' }],
    ["structured [('a', 'object')]", { descrLiteral: "[('a', 'object')]" }],
    ["structured field with shape [('a', '|O', (2,))]", { descrLiteral: "[('a', '|O', (2,))]" }],
    [
      'nested structured field',
      { descrLiteral: "[('x', '<f4'), ('inner', [('y', '<i8'), ('z', 'O')])]" },
    ],
    ["titled field [(('title', 'a'), 'O')]", { descrLiteral: "[(('title', 'a'), 'O')]" }],
    ["tuple descr ('O', (3,))", { descrLiteral: "('O', (3,))" }],
    [
      'a duplicate descr key (Python keeps the last one)',
      { header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'descr': '|O'}" },
    ],
  ]
  for (const [name, opts] of spellings) {
    it(`scans the pickle behind ${name} and finds the payload`, () => {
      const r = scanBytes(npy({ ...opts, shape: [1], data: payload() }), 'x.npy')
      expect(callables(r)).toContain('os.system')
      expect(verdict(r)).toBe('malicious')
    })
  }

  it('finds the payload in an object member of an .npz whatever the spelling', () => {
    const z = buildZip([
      { name: 'ok.npy', data: npy() },
      {
        name: 'evil.npy',
        data: npy({ descrLiteral: "[('a', 'object')]", shape: [1], data: payload() }),
      },
    ])
    const r = scanBytes(z, 'arrays.npz')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('evil.npy')
  })

  it('keeps a benign structured object array at low, a numeric structured one clean', () => {
    const benign = scanBytes(
      npy({ descrLiteral: "[('a', 'object_')]", shape: [1], data: benignObjectPayload() }),
      'x.npy',
    )
    expect(rules(benign)).toContain('numpy.object-dtype')
    expect(maxSeverity(benign)).toBe('low')
    const numeric = scanBytes(
      npy({
        descrLiteral: "[('a', '<f4'), ('b', '<i4', (2,))]",
        shape: [2],
        data: Buffer.alloc(24),
      }),
      'x.npy',
    )
    expect(numeric.findings).toEqual([])
  })

  it('reads the descr as NumPy does: objects at any depth, item sizes with sub-array shapes', () => {
    const facts = (s: string) => descrFacts(parsePyLiteral(s))
    expect(facts("'<f4'")).toEqual({ object: false, itemsize: 4 })
    expect(facts("'(2,3)i2'")).toEqual({ object: false, itemsize: 12 })
    expect(facts("[('a', '<f8'), ('b', 'u1', (3,))]")).toEqual({ object: false, itemsize: 11 })
    expect(facts("[('a', [('b', [('c', 'object')])])]").object).toBe(true)
    expect(facts("('<i8', [('lo', '<i4'), ('hi', 'O')])").object).toBe(true)
    expect(facts("'float64'")).toEqual({ object: false, itemsize: 8 })
  })

  it('reports a header NumPy would refuse, and still scans an object payload behind it', () => {
    const r = scanBytes(
      npy({
        header: "{'descr': 'object', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        data: payload(),
      }),
      'x.npy',
    )
    expect(rules(r)).toContain('numpy.bad-header')
    expect(callables(r)).toContain('os.system')
  })
})
