import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { scanPickleBytes } from '../../../../src/core/scanners/pickle'
import { callPickle, stdlibTypesPickle } from '../../../fixtures/generators/pickle/fixtures'
import { PickleWriter } from '../../../fixtures/generators/pickle/pickle-writer'
import { callables, rules, scanBytes, verdict } from './helpers'

/** A joblib wrapper for an object-dtype array: a nested pickle follows BUILD in the stream. */
function joblibObjectArray(nested: Buffer): Buffer {
  const w = new PickleWriter().proto(4).emptyList().mark()
  w.global('joblib.numpy_pickle', 'NumpyArrayWrapper').emptyTuple().newobj()
  w.emptyDict().mark()
  w.unicode('subclass').global('numpy', 'ndarray')
  w.unicode('shape').int(2).tuple1()
  w.unicode('order').unicode('C')
  w.unicode('dtype').global('numpy', 'dtype').unicode('O8').bool(false).bool(true).tuple3().reduce()
  w.unicode('allow_mmap').bool(false)
  w.setitems().build()
  w.raw(nested)
  w.int(7).appends()
  return w.stop().bytes()
}

describe('pickle machine', () => {
  it('joblib object arrays: the nested in-stream pickle is scanned and parsing resumes after it', () => {
    const benign = scanBytes(joblibObjectArray(stdlibTypesPickle()), 'm.joblib')
    expect(benign.format).toBe('joblib')
    expect(benign.findings).toEqual([])
    const evil = scanBytes(joblibObjectArray(callPickle('os', 'system', 'id')), 'm.joblib')
    expect(callables(evil)).toContain('os.system')
    expect(evil.invalid).toBeUndefined()
  })

  it('protocol 4 frames and protocol 5 buffers parse', () => {
    const body = new PickleWriter()
      .emptyList()
      .memoize()
      .mark()
      .bytearray8(100)
      .op(0x97)
      .op(0x98)
      .appends()
      .stop()
      .bytes()
    const b = Buffer.concat([new PickleWriter().proto(5).frame(body.length).bytes(), body])
    const r = scanPickleBytes(bufferSource(b, 'x'), {})
    expect(r.invalid).toBeUndefined()
    expect(r.findings).toEqual([])
  })

  it('large payloads are skipped without reading them', () => {
    const w = new PickleWriter().proto(4).emptyList().mark()
    for (let i = 0; i < 4; i++) w.binbytes(Buffer.alloc(3 * 1024 * 1024, 0x63))
    const b = w.appends().stop().bytes()
    let bytesRead = 0
    const base = bufferSource(b, 'p')
    const src = {
      ...base,
      read: (o: number, n: number) => {
        const r = base.read(o, n)
        bytesRead += r.length
        return r
      },
    }
    const r = scanPickleBytes(src, {})
    expect(r.invalid).toBeUndefined()
    expect(bytesRead).toBeLessThan(b.length / 4)
  })

  it('EXT opcodes are an unknown (medium) import', () => {
    const r = scanBytes(
      new PickleWriter().proto(2).raw([0x82, 7]).emptyTuple().reduce().stop().bytes(),
    )
    expect(rules(r)).toEqual(['pickle.extension-code'])
    expect(verdict(r)).toBe('suspicious')
  })

  it('INST and OBJ resolve the called class', () => {
    const inst = new PickleWriter().mark().string0('ls').inst('os', 'popen').stop().bytes()
    expect(callables(scanBytes(inst))).toContain('os.popen')
    const obj = new PickleWriter()
      .proto(1)
      .mark()
      .global('subprocess', 'Popen')
      .string0('ls')
      .obj()
      .stop()
      .bytes()
    expect(callables(scanBytes(obj))).toContain('subprocess.Popen')
  })

  it('protocol 0 memo PUT/GET resolves globals reused by GET', () => {
    const b = new PickleWriter()
      .global('os', 'system')
      .put0(0)
      .op(0x30)
      .get0(0)
      .mark()
      .string0('id')
      .tuple()
      .reduce()
      .stop()
      .bytes()
    const r = scanBytes(b)
    expect(callables(r)).toContain('os.system')
    expect(r.invalid).toBeUndefined()
  })
})
