import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { externalLocationProblem } from '../../../../src/core/scanners/structured/onnx'
import {
  kerasModel,
  lambdaLayerV3,
  denseLayer,
} from '../../../fixtures/generators/structured/keras'
import { buildOnnx } from '../../../fixtures/generators/structured/onnx'
import { msg, vint } from '../../../fixtures/generators/structured/protobuf'
import {
  buildKerasMetadata,
  buildSavedModel,
  ordinarySavedModelNodes,
} from '../../../fixtures/generators/structured/savedmodel'
import { judge, ruleIds, tempDir } from './helpers'

describe('ONNX scanner', () => {
  const tmp = tempDir('onnx')
  afterAll(() => tmp.cleanup())

  it('a benign model is safe and reports opset, producer and graph size', () => {
    const r = judge(buildOnnx(), 'model.onnx')
    expect(r.format).toBe('onnx')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({
      opset: 17,
      producer: 'pytorch 2.3.0',
      nodeCount: 2,
      tensorCount: 1,
      irVersion: 8,
    })
  })

  it('is recognised by content even without the .onnx extension', () => {
    expect(judge(buildOnnx(), 'model.bin').format).toBe('onnx')
  })

  it('external data beside the model is safe', () => {
    const p = tmp.write(
      'ok.onnx',
      buildOnnx({ externalLocations: ['ok.onnx.data', 'weights/part1.bin'] }),
    )
    tmp.write('ok.onnx.data', 'x')
    const r = judge(
      buildOnnx({ externalLocations: ['ok.onnx.data', 'weights/part1.bin'] }),
      'ok.onnx',
      p,
    )
    expect(r.verdict).toBe('safe')
    expect(r.metadata?.['externalDataFiles']).toEqual(['ok.onnx.data', 'weights/part1.bin'])
  })

  it('CVE-2022-25882: an external_data location climbing out with ".." is critical', () => {
    const r = judge(buildOnnx({ externalLocations: ['../../../../etc/passwd'] }), 'model.onnx')
    expect(ruleIds(r)).toEqual(['onnx.external-data-traversal'])
    expect(r.verdict).toBe('malicious')
  })

  it('CVE-2022-25882: ".." hidden behind normal segments and backslashes is critical', () => {
    for (const loc of ['weights/../../secret', 'a\\..\\..\\b', './x/./../../y']) {
      expect([loc, judge(buildOnnx({ externalLocations: [loc] }), 'model.onnx').verdict]).toEqual([
        loc,
        'malicious',
      ])
    }
  })

  it('CVE-2024-27318: absolute external_data locations are critical (POSIX, Windows, UNC)', () => {
    for (const loc of ['/etc/shadow', 'C:\\Windows\\win.ini', '\\\\server\\share\\x', 'c:/x']) {
      expect([loc, judge(buildOnnx({ externalLocations: [loc] }), 'model.onnx').verdict]).toEqual([
        loc,
        'malicious',
      ])
    }
  })

  it('CVE-2024-27318: a location that resolves outside the model directory through a symlink is critical', () => {
    const outside = join(tmp.dir, 'outside')
    const modelDir = join(tmp.dir, 'model')
    mkdirSync(outside)
    mkdirSync(modelDir)
    writeFileSync(join(outside, 'secret.txt'), 'secret')
    symlinkSync(outside, join(modelDir, 'data'))
    const bytes = buildOnnx({ externalLocations: ['data/secret.txt'] })
    const p = join(modelDir, 'm.onnx')
    writeFileSync(p, bytes)
    expect(externalLocationProblem('data/secret.txt', p)).toContain('symlink')
    expect(judge(bytes, 'm.onnx', p).verdict).toBe('malicious')
  })

  it('external data in a subgraph (If branch) is checked too', () => {
    expect(judge(buildOnnx({ subgraphExternal: '/etc/passwd' }), 'model.onnx').verdict).toBe(
      'malicious',
    )
  })

  it('custom op domains are low (well-known) or medium (unknown); local functions are low', () => {
    const r = judge(
      buildOnnx({
        nodes: [
          { op: 'FusedMatMul', domain: 'com.microsoft' },
          { op: 'Evil', domain: 'org.example.ops' },
        ],
        functions: ['helper'],
      }),
      'model.onnx',
    )
    expect(r.all.map((f) => [f.ruleId, f.severity])).toEqual([
      ['onnx.custom-domain', 'low'],
      ['onnx.custom-domain', 'medium'],
      ['onnx.local-function', 'low'],
    ])
    expect(r.verdict).toBe('suspicious')
  })

  it('a truncated model is invalid', () => {
    const b = buildOnnx()
    const r = judge(b.subarray(0, b.length - 30), 'model.onnx')
    expect(r.verdict).toBe('invalid')
    expect(ruleIds(r)).toContain('onnx.invalid')
  })

  it('a model without a graph is invalid', () => {
    expect(judge(msg(vint(1, 8), vint(5, 1)), 'model.onnx').verdict).toBe('invalid')
  })
})

describe('TensorFlow SavedModel scanner', () => {
  it('an ordinary SavedModel (variables, SaveV2/RestoreV2 with relative names) is safe', () => {
    const r = judge(buildSavedModel(ordinarySavedModelNodes()), 'saved_model.pb')
    expect(r.format).toBe('tf-savedmodel')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({
      metaGraphCount: 1,
      nodeCount: 9,
      tags: ['serve'],
      producer: 'TensorFlow 2.16.1',
    })
  })

  for (const op of [
    'ReadFile',
    'WriteFile',
    'MatchingFiles',
    'PyFunc',
    'EagerPyFunc',
    'PyFuncStateless',
  ]) {
    it(`${op} in the graph is critical`, () => {
      const r = judge(
        buildSavedModel([...ordinarySavedModelNodes(), { name: 'x', op }]),
        'saved_model.pb',
      )
      expect(ruleIds(r)).toEqual(['tf.dangerous-op'])
      expect(r.verdict).toBe('malicious')
    })
  }

  it('a dangerous op hidden in a library function is critical', () => {
    const r = judge(
      buildSavedModel(ordinarySavedModelNodes(), [
        { name: 'leak', op: 'ReadFile', inputs: ['path'] },
      ]),
      'saved_model.pb',
    )
    expect(r.verdict).toBe('malicious')
    expect(r.metadata?.['functionCount']).toBe(1)
  })

  it('SaveV2 whose file name constant is absolute or climbs out is high', () => {
    for (const target of ['/etc/cron.d/x', '../../../home/user/.bashrc']) {
      const nodes = [
        { name: 'fname', op: 'Const', stringConst: target },
        { name: 'save', op: 'SaveV2', inputs: ['fname:0', 'names'] },
      ]
      const r = judge(buildSavedModel(nodes), 'saved_model.pb')
      expect(r.all.map((f) => [f.ruleId, f.severity])).toEqual([
        ['tf.checkpoint-path-outside', 'high'],
      ])
      expect(r.verdict).toBe('malicious')
    }
  })

  it('SaveV2 with a relative constant inside the model is not flagged', () => {
    const nodes = [
      { name: 'fname', op: 'Const', stringConst: 'variables/variables' },
      { name: 'save', op: 'SaveV2', inputs: ['fname'] },
    ]
    expect(judge(buildSavedModel(nodes), 'saved_model.pb').verdict).toBe('safe')
  })

  it('keras_metadata.pb with a Lambda layer is critical', () => {
    const r = judge(buildKerasMetadata(kerasModel([lambdaLayerV3()])), 'keras_metadata.pb')
    expect(ruleIds(r)).toContain('keras.lambda-layer')
    expect(judge(buildKerasMetadata(kerasModel([denseLayer()])), 'keras_metadata.pb').verdict).toBe(
      'safe',
    )
  })

  it('fingerprint.pb is recognised and safe', () => {
    const r = judge(msg(vint(1, 123456789n), vint(2, 42), vint(3, 7)), 'fingerprint.pb')
    expect(r.format).toBe('tf-savedmodel')
    expect(r.verdict).toBe('safe')
  })

  it('a truncated SavedModel is invalid', () => {
    const b = buildSavedModel(ordinarySavedModelNodes())
    expect(judge(b.subarray(0, b.length - 7), 'saved_model.pb').verdict).toBe('invalid')
  })
})
