import { describe, expect, it } from 'vitest'
import { buildGguf, llamaLikeGguf } from '../../../fixtures/generators/structured/gguf'
import {
  BENIGN_TEMPLATES,
  MALICIOUS_TEMPLATES,
} from '../../../fixtures/generators/structured/templates'
import { judge, ruleIds } from './helpers'

const benign = BENIGN_TEMPLATES['llama3-like']!

describe('GGUF scanner', () => {
  for (const version of [1, 2, 3] as const) {
    it(`parses a benign v${version} file and extracts inventory metadata`, () => {
      const r = judge(llamaLikeGguf(benign, {}, version), 'model.gguf')
      expect(r.format).toBe('gguf')
      expect(r.verdict).toBe('safe')
      expect(r.findings).toEqual([])
      expect(r.metadata).toMatchObject({
        architecture: 'llama',
        modelName: 'Tiny Test Llama',
        license: 'apache-2.0',
        quantization: 'Q4_K_M',
        contextLength: 4096,
        tensorCount: 3,
        parameterCount: 256 * 64 + 256 * 256 + 256,
        ggufVersion: version,
      })
    })
  }

  it('stays quiet on every benign family template stored in GGUF', () => {
    for (const [name, t] of Object.entries(BENIGN_TEMPLATES)) {
      expect([name, judge(llamaLikeGguf(t), 'm.gguf').verdict]).toEqual([name, 'safe'])
    }
  })

  it('CVE-2024-34359: default chat template with a cycler.__init__.__globals__ payload is malicious', () => {
    const r = judge(llamaLikeGguf(MALICIOUS_TEMPLATES['cycler-globals']!), 'evil.gguf')
    expect(r.verdict).toBe('malicious')
    expect(ruleIds(r)).toContain('gguf.chat-template-injection')
    expect(r.all.find((f) => f.ruleId === 'gguf.chat-template-injection')?.severity).toBe(
      'critical',
    )
  })

  it('CVE-2024-34359: a payload hidden in a named template (tokenizer.chat_template.<name>) is found', () => {
    const r = judge(
      llamaLikeGguf(benign, {
        rag: BENIGN_TEMPLATES['command-r-like']!,
        tool_use: MALICIOUS_TEMPLATES['set-propagation']!,
      }),
      'evil.gguf',
    )
    expect(r.verdict).toBe('malicious')
    expect(r.findings.map((f) => f.message).join('\n')).toContain('"tool_use"')
    expect(r.findings.map((f) => f.message).join('\n')).not.toContain('"rag"')
  })

  it('CVE-2024-34359: obfuscated payloads are all malicious inside GGUF', () => {
    for (const [name, t] of Object.entries(MALICIOUS_TEMPLATES)) {
      expect([name, judge(llamaLikeGguf(t), 'e.gguf').verdict]).toEqual([name, 'malicious'])
    }
  })

  describe('malformed headers are invalid, never safe', () => {
    const good = llamaLikeGguf(benign)
    const cases: [string, () => Uint8Array][] = [
      ['truncated in the metadata', () => good.subarray(0, 200)],
      ['truncated before the tensor data ends', () => good.subarray(0, good.length - 100)],
      ['magic only', () => Buffer.from('GGUF')],
      [
        'unknown version',
        () => Buffer.concat([Buffer.from('GGUF'), Buffer.from([9, 0, 0, 0]), good.subarray(8)]),
      ],
      ['absurd tensor count', () => buildGguf({ kv: [], tensorCountOverride: 10n ** 15n }).bytes],
      [
        'absurd KV count',
        () =>
          buildGguf({ kv: [{ key: 'a', type: 'u32', value: 1 }], kvCountOverride: 1n << 40n })
            .bytes,
      ],
      [
        'string length past the end',
        () =>
          buildGguf({
            kv: [
              {
                key: 'general.name',
                type: 'raw',
                value: Buffer.concat([
                  Buffer.from([8, 0, 0, 0]),
                  Buffer.from([0xff, 0xff, 0xff, 0, 0, 0, 0, 0]),
                  Buffer.from('abc'),
                ]),
              },
            ],
          }).bytes,
      ],
      [
        'array count past the end',
        () =>
          buildGguf({
            kv: [
              {
                key: 'x',
                type: 'raw',
                value: Buffer.concat([
                  Buffer.from([9, 0, 0, 0, 4, 0, 0, 0]),
                  Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]),
                ]),
              },
            ],
          }).bytes,
      ],
      [
        'unknown value type',
        () =>
          buildGguf({ kv: [{ key: 'x', type: 'raw', value: Buffer.from([77, 0, 0, 0, 1]) }] })
            .bytes,
      ],
      [
        'tensor outside the data section',
        () =>
          buildGguf({ kv: [], tensors: [{ name: 't', dims: [32], type: 0, offset: 4096 }] }).bytes,
      ],
      [
        'overlapping tensors',
        () =>
          buildGguf({
            kv: [],
            tensors: [
              { name: 'a', dims: [64], type: 0 },
              { name: 'b', dims: [8], type: 0, offset: 32 },
            ],
          }).bytes,
      ],
      [
        'unknown tensor type',
        () => buildGguf({ kv: [], tensors: [{ name: 'a', dims: [64], type: 200 }] }).bytes,
      ],
      [
        'misaligned tensor offset',
        () =>
          buildGguf({
            kv: [],
            tensors: [
              { name: 'a', dims: [8], type: 0 },
              { name: 'b', dims: [8], type: 0, offset: 36 },
            ],
          }).bytes,
      ],
      ['alignment that is not a power of two', () => buildGguf({ kv: [], alignment: 24 }).bytes],
      [
        'duplicate keys',
        () =>
          buildGguf({
            kv: [
              { key: 'a', type: 'u32', value: 1 },
              { key: 'a', type: 'u32', value: 2 },
            ],
          }).bytes,
      ],
    ]
    for (const [name, make] of cases) {
      it(name, () => {
        const r = judge(make(), 'bad.gguf')
        expect(r.format).toBe('gguf')
        expect(r.invalid).toBeDefined()
        expect(r.verdict).toBe('invalid')
        expect(ruleIds(r)).toContain('gguf.invalid-header')
      })
    }
  })

  it('a chat template key that is not a string is reported', () => {
    const r = judge(
      buildGguf({ kv: [{ key: 'tokenizer.chat_template', type: 'u32', value: 3 }] }).bytes,
      'odd.gguf',
    )
    expect(ruleIds(r)).toEqual(['gguf.invalid-header'])
    expect(r.verdict).toBe('suspicious')
  })
})
