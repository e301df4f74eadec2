import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../../src/core/scanners/byte-source'
import { findRule } from '../../../../src/core/rules'
import { scanSource } from '../../../../src/core/scanners/scan-source'
import { STRUCTURED_SCANNERS } from '../../../../src/core/scanners/structured'
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

/** Deterministic PRNG (mulberry32) so every run mutates the same way. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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

function mutate(src: Buffer, donor: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src)
  const kind = Math.floor(r() * 5)
  const pos = Math.floor(r() * b.length)
  switch (kind) {
    case 0: // bit flips
      for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) {
        const p = Math.floor(r() * b.length)
        b[p] = b[p]! ^ (1 << Math.floor(r() * 8))
      }
      return b
    case 1: // truncation
      return b.subarray(0, pos)
    case 2: {
      // splice from another fixture
      const from = Math.floor(r() * donor.length)
      const len = Math.floor(r() * 64)
      return Buffer.concat([
        b.subarray(0, pos),
        donor.subarray(from, from + len),
        b.subarray(pos + Math.floor(r() * 64)),
      ])
    }
    case 3: // large-value overwrite (lengths and counts)
      for (let i = 0; i < 8 && pos + i < b.length; i++)
        b[pos + i] = r() < 0.5 ? 0xff : Math.floor(r() * 256)
      return b
    default: // byte duplication
      return Buffer.concat([
        b.subarray(0, pos),
        b.subarray(pos, pos + Math.floor(r() * 32)),
        b.subarray(pos),
      ])
  }
}

describe('structured parsers under mutation (fuzz)', () => {
  for (const [name, bytes] of FIXTURES) {
    it(`${name}: 300 mutants always give a result, never a throw or scanner error`, () => {
      const r = rng(0xa15c0 ^ bytes.length)
      for (let i = 0; i < 300; i++) {
        const donor = FIXTURES[Math.floor(r() * FIXTURES.length)]![1]
        const m = mutate(bytes, donor, r)
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
