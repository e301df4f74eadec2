import { describe, expect, it } from 'vitest'
import {
  decodeJsonBytes,
  detectJsonEncoding,
} from '../../../../src/core/scanners/structured/keras/json-bytes'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import {
  denseLayer,
  kerasModel,
  lambdaLayerV3,
} from '../../../fixtures/generators/structured/keras'
import { judgeFile } from './helpers'

/**
 * Keras loads config.json with `json.loads(bytes)`: the whole member, any key order, leading
 * whitespace, and UTF-8/16/32 told apart by json.detect_encoding. Each config below is one Keras
 * would load, shaped so a 4 KiB UTF-8 look at the head misses its `class_name`.
 */
function archive(config: Uint8Array): Buffer {
  return buildZip([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify({ keras_version: '3.9.0' })) },
    { name: 'config.json', data: Buffer.from(config), deflate: true },
  ])
}

function scan(bytes: Buffer): { verdict: string; rules: string[] } {
  const r = judgeFile(bytes, 'net.keras', '/x/net.keras')
  return { verdict: r.verdict, rules: r.all.map((f) => f.ruleId) }
}

const hostile = (): Record<string, unknown> => kerasModel([denseLayer(), lambdaLayerV3()])

function utf16(text: string, le: boolean, bom: boolean): Uint8Array {
  const out = Buffer.alloc(text.length * 2 + (bom ? 2 : 0))
  let o = 0
  if (bom) o = le ? out.writeUInt16LE(0xfeff, 0) : out.writeUInt16BE(0xfeff, 0)
  for (let i = 0; i < text.length; i++)
    o = le ? out.writeUInt16LE(text.charCodeAt(i), o) : out.writeUInt16BE(text.charCodeAt(i), o)
  return out
}

function utf32(text: string, le: boolean): Uint8Array {
  const cps = [...text].map((c) => c.codePointAt(0)!)
  const out = Buffer.alloc(cps.length * 4)
  cps.forEach((cp, i) => (le ? out.writeUInt32LE(cp, i * 4) : out.writeUInt32BE(cp, i * 4)))
  return out
}

describe('Keras config.json is read the way json.loads reads bytes', () => {
  it('CVE-2024-3660: a Lambda layer behind 6000 bytes of leading whitespace is found', () => {
    const text = '\n\t '.repeat(2000) + JSON.stringify(hostile())
    const r = scan(archive(Buffer.from(text)))
    expect(r.rules).toContain('keras.lambda-layer')
    expect(r.verdict).toBe('malicious')
  })

  it('CVE-2024-3660: class_name written after a long first key is found', () => {
    const { class_name: cls, ...rest } = hostile()
    const reordered = { config: { note: 'n'.repeat(9000), ...(rest['config'] as object) } }
    const text = JSON.stringify({ ...reordered, module: rest['module'], class_name: cls })
    expect(scan(archive(Buffer.from(text))).rules).toContain('keras.lambda-layer')
  })

  it('CVE-2024-3660: a class_name key spelled with \\u escapes is found', () => {
    const text = JSON.stringify(hostile()).replaceAll('"class_name"', '"class\\u005fname"')
    expect(scan(archive(Buffer.from(text))).rules).toContain('keras.lambda-layer')
  })

  for (const [label, bytes] of [
    ['UTF-16-LE without BOM', () => utf16(JSON.stringify(hostile()), true, false)],
    ['UTF-16-BE without BOM', () => utf16(JSON.stringify(hostile()), false, false)],
    ['UTF-16 with a BOM', () => utf16(JSON.stringify(hostile()), false, true)],
    ['UTF-32-LE without BOM', () => utf32(JSON.stringify(hostile()), true)],
    ['UTF-32-BE without BOM', () => utf32(JSON.stringify(hostile()), false)],
    [
      'UTF-8 with a BOM',
      () =>
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(hostile()))]),
    ],
  ] as const) {
    it(`CVE-2024-3660: a Lambda layer in a ${label} config is found`, () => {
      const r = scan(archive(bytes()))
      expect(r.rules).toContain('keras.lambda-layer')
      expect(r.verdict).toBe('malicious')
    })
  }

  it('a config that json.loads cannot decode is invalid, never safe', () => {
    // UTF-16-LE by its NUL pattern, then an odd trailing byte: Python raises UnicodeDecodeError.
    const bad = Buffer.concat([
      utf16(JSON.stringify(kerasModel([denseLayer()])), true, false),
      Buffer.from([0x7b]),
    ])
    const r = scan(archive(bad))
    expect(r.rules).toContain('keras.invalid-config')
    expect(r.verdict).not.toBe('safe')
    const badUtf8 = Buffer.from('{"class_name": "Sequential", "x": "\xff"}', 'latin1')
    expect(scan(archive(badUtf8)).verdict).not.toBe('safe')
  })

  it('a benign UTF-16 config stays safe', () => {
    expect(
      scan(archive(utf16(JSON.stringify(kerasModel([denseLayer()])), true, true))).verdict,
    ).toBe('safe')
  })
})

describe('json.detect_encoding and surrogatepass, as CPython does them', () => {
  it('detects encodings from BOMs and NUL patterns', () => {
    const b = (...x: number[]): Uint8Array => Uint8Array.from(x)
    expect(detectJsonEncoding(b(0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0))).toBe('utf-32')
    expect(detectJsonEncoding(b(0xff, 0xfe, 0x7b, 0))).toBe('utf-16')
    expect(detectJsonEncoding(b(0xef, 0xbb, 0xbf, 0x7b))).toBe('utf-8-sig')
    expect(detectJsonEncoding(b(0, 0, 0, 0x7b))).toBe('utf-32-be')
    expect(detectJsonEncoding(b(0, 0x7b, 0, 0x7d))).toBe('utf-16-be')
    expect(detectJsonEncoding(b(0x7b, 0, 0, 0))).toBe('utf-32-le')
    expect(detectJsonEncoding(b(0x7b, 0, 0x7d, 0))).toBe('utf-16-le')
    expect(detectJsonEncoding(b(0x7b, 0))).toBe('utf-16-le')
    expect(detectJsonEncoding(b(0x7b, 0, 0x7d))).toBe('utf-8')
  })

  it('passes encoded lone surrogates and rejects other malformed UTF-8', () => {
    expect(decodeJsonBytes(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])).text).toBe('"\ud800"')
    expect(() => decodeJsonBytes(Buffer.from([0x22, 0xc0, 0x80, 0x22]))).toThrow()
    expect(() => decodeJsonBytes(Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80]))).toThrow()
  })

  it('keeps a BOM that an explicit-endian codec does not consume', () => {
    // 'utf-8-sig' drops the BOM; a second one stays and json.loads then rejects the text.
    expect(decodeJsonBytes(Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x31])).text).toBe(
      '\ufeff1',
    )
  })
})

describe('config.json files that are not Keras configs', () => {
  it('a transformers config.json is not claimed as a Keras config', () => {
    const hf = { architectures: ['LlamaForCausalLM'], model_type: 'llama', pad: ' '.repeat(5000) }
    const r = judgeFile(Buffer.from(JSON.stringify(hf)), 'config.json', '/m/config.json')
    expect(r.format).not.toBe('keras-config')
  })
})
