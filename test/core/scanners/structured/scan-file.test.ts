import { afterAll, describe, expect, it } from 'vitest'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import { STRUCTURED_SCANNERS } from '../../../../src/core/scanners/registry'
import { findRule } from '../../../../src/core/rules'
import { FORMAT_RULES } from '../../../../src/core/rules/format-rules'
import { llamaLikeGguf } from '../../../fixtures/generators/structured/gguf'
import { buildHdf5 } from '../../../fixtures/generators/structured/hdf5'
import { kerasV2Config } from '../../../fixtures/generators/structured/keras'
import { buildOnnx } from '../../../fixtures/generators/structured/onnx'
import {
  buildSafetensors,
  smallModelTensors,
} from '../../../fixtures/generators/structured/safetensors'
import {
  buildSavedModel,
  ordinarySavedModelNodes,
} from '../../../fixtures/generators/structured/savedmodel'
import {
  BENIGN_TEMPLATES,
  MALICIOUS_TEMPLATES,
} from '../../../fixtures/generators/structured/templates'
import { buildTflite } from '../../../fixtures/generators/structured/tflite'
import { tempDir } from './helpers'

describe('structured formats through scanModelFile (files on disk)', () => {
  const tmp = tempDir('structured')
  afterAll(() => tmp.cleanup())
  const files: [string, Uint8Array | string, string, string][] = [
    ['model.gguf', llamaLikeGguf(BENIGN_TEMPLATES['granite-like']!), 'gguf', 'safe'],
    ['evil.gguf', llamaLikeGguf(MALICIOUS_TEMPLATES['subclasses-walk']!), 'gguf', 'malicious'],
    ['model.safetensors', buildSafetensors(smallModelTensors()), 'safetensors', 'safe'],
    [
      'model.h5',
      buildHdf5({ model_config: JSON.stringify(kerasV2Config(true)) }),
      'keras-h5',
      'malicious',
    ],
    ['model.onnx', buildOnnx(), 'onnx', 'safe'],
    ['saved_model.pb', buildSavedModel(ordinarySavedModelNodes()), 'tf-savedmodel', 'safe'],
    ['model.tflite', buildTflite(), 'tflite', 'safe'],
    ['chat_template.jinja', BENIGN_TEMPLATES['phi-like']!, 'chat-template', 'safe'],
  ]
  for (const [name, data, format, verdict] of files) {
    it(`${name} -> ${format}, ${verdict}`, async () => {
      const r = await scanModelFile(tmp.write(name, data), {
        scanners: STRUCTURED_SCANNERS,
        hash: false,
      })
      expect([r.format, r.verdict]).toEqual([format, verdict])
    })
  }

  it('a safetensors extension on GGUF content is reported as a mismatch', async () => {
    const r = await scanModelFile(
      tmp.write('lie.safetensors', llamaLikeGguf(BENIGN_TEMPLATES['phi-like']!)),
      { scanners: STRUCTURED_SCANNERS, hash: false },
    )
    expect(r.format).toBe('gguf')
    expect(r.findings.map((f) => f.ruleId)).toContain('engine.extension-mismatch')
  })
})

describe('format rule table', () => {
  it('every rule has a why and a fix, and ids are unique', () => {
    const ids = new Set<string>()
    for (const r of FORMAT_RULES) {
      expect(ids.has(r.id)).toBe(false)
      ids.add(r.id)
      expect(r.why.length).toBeGreaterThan(20)
      expect(r.fix.length).toBeGreaterThan(10)
      expect(findRule(r.id)).toBe(r)
    }
  })
})
