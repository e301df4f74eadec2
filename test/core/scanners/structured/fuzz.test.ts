import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { findRule } from '../../../../src/core/rules'
import { scanSource } from '../../../../src/core/scanners/scan-source'
import { STRUCTURED_SCANNERS } from '../../../../src/core/scanners/registry'
import { llamaLikeGguf } from '../../../fixtures/generators/structured/gguf'
import { buildHdf5 } from '../../../fixtures/generators/structured/hdf5'
import {
  kerasModel,
  kerasV2Config,
  lambdaLayerV3,
} from '../../../fixtures/generators/structured/keras'
import { buildOnnx } from '../../../fixtures/generators/structured/onnx'
import {
  buildSafetensors,
  smallModelTensors,
} from '../../../fixtures/generators/structured/safetensors'
import {
  buildKerasMetadata,
  buildSavedModel,
  ordinarySavedModelNodes,
} from '../../../fixtures/generators/structured/savedmodel'
import {
  BENIGN_TEMPLATES,
  MALICIOUS_TEMPLATES,
} from '../../../fixtures/generators/structured/templates'
import { buildTflite } from '../../../fixtures/generators/structured/tflite'
import { makeRng, mutate } from '../../../helpers/prng'

const FIXTURES: [string, Buffer][] = [
  [
    'model.gguf',
    llamaLikeGguf(BENIGN_TEMPLATES['qwen-like']!, {
      tool_use: MALICIOUS_TEMPLATES['set-propagation']!,
    }),
  ],
  ['model.safetensors', buildSafetensors(smallModelTensors(), { format: 'pt' })],
  [
    'model.h5',
    buildHdf5({ keras_version: '2.15.0', model_config: JSON.stringify(kerasV2Config(true)) }),
  ],
  [
    'model.onnx',
    buildOnnx({
      externalLocations: ['w.bin'],
      nodes: [{ op: 'X', domain: 'com.microsoft' }],
      functions: ['f'],
      subgraphExternal: 'sub.bin',
    }),
  ],
  ['saved_model.pb', buildSavedModel(ordinarySavedModelNodes(), [{ name: 'r', op: 'ReadFile' }])],
  ['keras_metadata.pb', buildKerasMetadata(kerasModel([lambdaLayerV3()]))],
  ['model.tflite', buildTflite({ customOps: ['Op'] })],
  [
    'tokenizer_config.json',
    Buffer.from(
      JSON.stringify({
        chat_template: [{ name: 'default', template: BENIGN_TEMPLATES['llama3-like'] }],
      }),
    ),
  ],
  [
    'chat_template.jinja',
    Buffer.from(BENIGN_TEMPLATES['gpt-oss-like']! + MALICIOUS_TEMPLATES['format-filter']!),
  ],
  ['config.json', Buffer.from(JSON.stringify(kerasModel([lambdaLayerV3()])))],
]

const DONORS = FIXTURES.map(([, bytes]) => bytes)

describe('structured parsers under mutation (fuzz)', () => {
  for (const [name, bytes] of FIXTURES) {
    it(`${name}: 300 mutants always give a result, never a throw or scanner error`, () => {
      const r = makeRng(0xa15c0 ^ bytes.length)
      for (let i = 0; i < 300; i++) {
        const m = mutate(bytes, r, { donors: DONORS })
        let res
        try {
          res = scanSource(bufferSource(m, name), {
            path: `/fuzz/${name}`,
            scanners: STRUCTURED_SCANNERS,
          })
        } catch (e) {
          throw new Error(`mutant ${i} of ${name} threw: ${(e as Error).stack}`)
        }
        expect(typeof res.format).toBe('string')
        expect(Array.isArray(res.findings)).toBe(true)
        const errors = res.findings.filter((f) => f.ruleId === 'model.scanner-error')
        expect(errors.map((f) => `${name}#${i}: ${f.message}`)).toEqual([])
        if (res.invalid !== undefined) expect(res.findings.length).toBeGreaterThan(0)
        for (const f of res.findings) expect(findRule(f.ruleId), f.ruleId).toBeDefined()
      }
    })
  }
})
