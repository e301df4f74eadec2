import { describe, expect, it } from 'vitest'
import { buildHdf5 } from '../../../fixtures/generators/structured/hdf5'
import { kerasV2Config } from '../../../fixtures/generators/structured/keras'
import { judge, ruleIds } from '../structured/helpers'

const benign = JSON.stringify(kerasV2Config(false))
const lambda = JSON.stringify(kerasV2Config(true))

/** Issue 15 item 4: Keras HDF5 whose model_config is a variable-length string, plus a decoy. */
describe('Keras HDF5 with a decoy JSON blob', () => {
  it('reads a variable-length model_config through the global heap (benign is safe)', () => {
    const r = judge(buildHdf5({ keras_version: '2.15.0', model_config: { vlen: benign } }), 'm.h5')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({ architecture: 'Sequential', kerasVersion: '2.15.0' })
  })

  it('finds a Lambda in a variable-length model_config behind a benign decoy blob', () => {
    const r = judge(
      buildHdf5(
        { keras_version: '2.15.0', backend: 'tensorflow', model_config: { vlen: lambda } },
        { decoy: benign },
      ),
      'm.h5',
    )
    expect(ruleIds(r)).toContain('keras.h5-lambda-layer')
    expect(r.verdict).toBe('malicious')
  })

  it('never judges a decoy: a heap it cannot follow is high "not located", not safe', () => {
    const b = buildHdf5({ model_config: { vlen: lambda } }, { decoy: benign })
    const gcol = b.indexOf('GCOL')
    b.write('XXXX', gcol, 'latin1')
    const r = judge(b, 'm.h5')
    const f = r.all.find((x) => x.ruleId === 'keras.h5-config-not-located')
    expect(f?.severity).toBe('high')
    expect(r.verdict).toBe('malicious')
  })

  it('ignores JSON elsewhere in a weights-only file whose root holds no model_config', () => {
    const r = judge(buildHdf5({ layer_names: 'dense' }, { decoy: lambda }), 'model.weights.h5')
    expect(r.verdict).toBe('safe')
  })

  it('reads the variable-length config from a version-3 attribute message too', () => {
    const r = judge(buildHdf5({ model_config: { vlen: lambda } }, { attrVersion: 3 }), 'm.h5')
    expect(ruleIds(r)).toContain('keras.h5-lambda-layer')
  })
})
