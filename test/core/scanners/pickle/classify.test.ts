import { describe, expect, it } from 'vitest'
import { classifyImport } from '../../../../src/core/scanners/pickle'

const tier = (m: string, n: string): string => classifyImport(m, n).tier

describe('classifyImport', () => {
  it('allows what real checkpoints use', () => {
    for (const [m, n] of [
      ['torch._utils', '_rebuild_tensor_v2'],
      ['torch._utils', '_rebuild_parameter'],
      ['torch', 'FloatStorage'],
      ['torch', 'Size'],
      ['collections', 'OrderedDict'],
      ['numpy.core.multiarray', '_reconstruct'],
      ['numpy._core.multiarray', 'scalar'],
      ['numpy', 'dtype'],
      ['builtins', 'set'],
      ['__builtin__', 'frozenset'],
      ['copy_reg', '_reconstructor'],
      ['_codecs', 'encode'],
      ['argparse', 'Namespace'],
      ['datetime', 'timedelta'],
      ['pathlib', 'PosixPath'],
      ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
      ['numpy.random._pickle', '__randomstate_ctor'],
      ['sklearn.tree._classes', 'DecisionTreeClassifier'],
      ['xgboost.core', 'Booster'],
      ['torch.serialization', '_get_layout'],
    ]) {
      expect(tier(m!, n!), `${m}.${n}`).toBe('allow')
    }
  })

  it('denies submodules of denied modules and builtins outside the data types', () => {
    expect(tier('asyncio.unix_events', '_UnixSubprocessTransport')).toBe('deny')
    expect(tier('os.path', 'join')).toBe('deny')
    expect(tier('builtins', 'getattr')).toBe('deny')
    expect(tier('builtins', 'print')).toBe('deny')
    expect(tier('joblib', 'load')).toBe('deny')
    expect(tier('torch', 'load')).toBe('deny')
    expect(tier('numpy', 'load')).toBe('deny')
  })

  it('checks every component of dotted names', () => {
    expect(classifyImport('gettext', 'os.system')).toMatchObject({
      tier: 'deny',
      callable: 'gettext.os.system',
    })
    expect(tier('somepkg.sys', 'modules')).toBe('deny')
    expect(tier('numpy', '__builtins__')).toBe('dunder')
    expect(tier('mylib', 'f.__globals__')).toBe('dunder')
  })

  it('does not deny harmless submodules that share a name with a denied top-level module', () => {
    expect(tier('mylab.test', 'Foo')).toBe('unknown')
    expect(tier('mylab.logging', 'Config')).toBe('unknown')
    expect(tier('__main__', 'Net')).toBe('unknown')
  })
})
