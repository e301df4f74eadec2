import { describe, expect, it } from 'vitest'
import {
  buildSafetensors,
  rawSafetensors,
  smallModelTensors,
} from '../../../fixtures/generators/structured/safetensors'
import { judge, ruleIds } from './helpers'

const entry = (dtype: string, shape: number[], b: number, e: number): unknown => ({
  dtype,
  shape,
  data_offsets: [b, e],
})

describe('safetensors scanner', () => {
  it('accepts a real-shaped file with a zero-size tensor and extracts metadata', () => {
    const r = judge(buildSafetensors(smallModelTensors(), { format: 'pt' }), 'model.safetensors')
    expect(r.format).toBe('safetensors')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toEqual({
      tensorCount: 4,
      parameterCount: 64 * 32 + 32 * 32 + 32,
      dtypes: ['BF16', 'F32'],
      framework: 'pt',
    })
  })

  it('records MLX-written files for the inventory', () => {
    expect(
      judge(buildSafetensors(smallModelTensors(), { format: 'mlx' }), 'w.safetensors').metadata?.[
        'framework'
      ],
    ).toBe('mlx')
  })

  it('treats code-like metadata as inert (info only, verdict safe)', () => {
    const r = judge(
      buildSafetensors(smallModelTensors(), { note: "__import__('os').system('id')" }),
      'm.safetensors',
    )
    expect(ruleIds(r)).toEqual(['safetensors.metadata-code'])
    expect(r.all[0]!.severity).toBe('info')
    expect(r.verdict).toBe('safe')
  })

  it('never passes a header that is not a JSON object (array header: unclaimed, so invalid)', () => {
    expect(
      judge(
        Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('[1,2]   ')]),
        'a.safetensors',
      ).verdict,
    ).toBe('invalid')
  })

  it('accepts an empty tensor table', () => {
    expect(judge(rawSafetensors('{}', 0), 'e.safetensors').verdict).toBe('safe')
  })

  const invalid: [string, () => Uint8Array][] = [
    [
      'header length larger than the file',
      () => rawSafetensors('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, 1n << 30n),
    ],
    ['non-JSON header', () => rawSafetensors('{"a": not json}', 0)],
    ['tensor entry that is not an object', () => rawSafetensors('{"a": 1}', 0)],
    ['JSON followed by junk', () => rawSafetensors('{"a": {}} trailing', 0)],
    ['unknown dtype', () => rawSafetensors(JSON.stringify({ a: entry('F31', [1], 0, 4) }), 4)],
    [
      'overlapping offsets',
      () =>
        rawSafetensors(
          JSON.stringify({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }),
          12,
        ),
    ],
    [
      'gap between tensors',
      () =>
        rawSafetensors(
          JSON.stringify({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }),
          12,
        ),
    ],
    [
      'data section not covered',
      () => rawSafetensors(JSON.stringify({ a: entry('F32', [1], 0, 4) }), 16),
    ],
    [
      'offsets past the data section',
      () => rawSafetensors(JSON.stringify({ a: entry('F32', [4], 0, 16) }), 8),
    ],
    [
      'shape x dtype does not match the span',
      () => rawSafetensors(JSON.stringify({ a: entry('F32', [3], 0, 8) }), 8),
    ],
    [
      'negative dimension',
      () => rawSafetensors(JSON.stringify({ a: entry('F32', [-1], 0, 0) }), 0),
    ],
    ['end before begin', () => rawSafetensors(JSON.stringify({ a: entry('F32', [0], 4, 0) }), 4)],
    [
      'non-string metadata value',
      () => rawSafetensors(JSON.stringify({ __metadata__: { n: 1 } }), 0),
    ],
    ['truncated data', () => buildSafetensors(smallModelTensors()).subarray(0, 500)],
    [
      'invalid UTF-8 in the header',
      () =>
        Buffer.concat([
          Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]),
          Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        ]),
    ],
  ]
  for (const [name, make] of invalid) {
    it(`reports ${name} as invalid`, () => {
      const r = judge(make(), 'bad.safetensors')
      expect(r.format).toBe('safetensors')
      expect(r.verdict).toBe('invalid')
      expect(ruleIds(r)).toContain('safetensors.invalid-header')
    })
  }
})
