import { describe, expect, it } from 'vitest'
import { buildTflite } from '../../../fixtures/generators/structured/tflite'
import {
  BENIGN_TEMPLATES,
  MALICIOUS_TEMPLATES,
} from '../../../fixtures/generators/structured/templates'
import { msg, vint, bytesField } from '../../../fixtures/generators/structured/protobuf'
import { judge, ruleIds } from './helpers'

describe('TFLite scanner', () => {
  it('a builtin-only model is safe with metadata', () => {
    const r = judge(buildTflite(), 'model.tflite')
    expect(r.format).toBe('tflite')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({
      schemaVersion: 3,
      subgraphCount: 1,
      operatorCodeCount: 2,
      producer: 'MLIR Converted.',
    })
  })

  it('custom operators are medium and named', () => {
    const r = judge(
      buildTflite({ customOps: ['TFLite_Detection_PostProcess', 'MyNativeOp'] }),
      'model.tflite',
    )
    expect(ruleIds(r)).toEqual(['tflite.custom-op', 'tflite.custom-op'])
    expect(r.findings.map((f) => f.message).join(' ')).toContain('MyNativeOp')
    expect(r.verdict).toBe('suspicious')
  })

  it('a wrong schema version, no subgraphs or a truncated file is invalid', () => {
    for (const bytes of [
      buildTflite({ version: 2 }),
      buildTflite({ subgraphs: 0 }),
      buildTflite().subarray(0, 40),
    ]) {
      const r = judge(bytes, 'model.tflite')
      expect(r.verdict).toBe('invalid')
      expect(ruleIds(r)).toContain('tflite.invalid-header')
    }
  })

  it('a root offset pointing past the end is invalid', () => {
    const b = Buffer.from(buildTflite())
    b.writeUInt32LE(0x7fffffff, 0)
    expect(judge(b, 'model.tflite').verdict).toBe('invalid')
  })
})

describe('tokenizer_config.json and chat_template.jinja', () => {
  const cfg = (t: unknown): Buffer =>
    Buffer.from(
      JSON.stringify({
        tokenizer_class: 'PreTrainedTokenizerFast',
        model_max_length: 8192,
        chat_template: t,
      }),
    )

  it('a benign string template is safe', () => {
    const r = judge(cfg(BENIGN_TEMPLATES['qwen-like']), 'tokenizer_config.json')
    expect(r.format).toBe('tokenizer-config')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toMatchObject({
      templateCount: 1,
      tokenizerClass: 'PreTrainedTokenizerFast',
      contextLength: 8192,
    })
  })

  it('CVE-2024-34359: a malicious template in a named list entry is found', () => {
    const r = judge(
      cfg([
        { name: 'default', template: BENIGN_TEMPLATES['mistral-like'] },
        { name: 'tool_use', template: MALICIOUS_TEMPLATES['attr-hex-escapes'] },
      ]),
      'tokenizer_config.json',
    )
    expect(ruleIds(r)).toContain('chat-template.injection')
    expect(r.verdict).toBe('malicious')
  })

  it('chat_template.json (processor files) is checked the same way', () => {
    expect(judge(cfg(MALICIOUS_TEMPLATES['lipsum-globals']), 'chat_template.json').verdict).toBe(
      'malicious',
    )
  })

  it('a config without a chat template is safe; a bad shape or bad JSON is invalid', () => {
    expect(judge(Buffer.from('{"bos_token": "<s>"}'), 'tokenizer_config.json').verdict).toBe('safe')
    expect(judge(cfg(42), 'tokenizer_config.json').verdict).toBe('invalid')
    expect(judge(cfg([{ name: 'x' }]), 'tokenizer_config.json').verdict).toBe('invalid')
    expect(judge(Buffer.from('{"chat_template": "'), 'tokenizer_config.json').verdict).toBe(
      'invalid',
    )
  })

  it('chat_template.jinja files are analysed', () => {
    expect(
      judge(Buffer.from(BENIGN_TEMPLATES['gpt-oss-like']!), 'chat_template.jinja').verdict,
    ).toBe('safe')
    const r = judge(Buffer.from(MALICIOUS_TEMPLATES['join-list']!), 'chat_template.jinja')
    expect(r.format).toBe('chat-template')
    expect(r.verdict).toBe('malicious')
  })
})

describe('Core ML recognition', () => {
  it('an .mlmodel protobuf is recognised with its specification version', () => {
    const r = judge(
      msg(
        vint(1, 7),
        bytesField(2, msg(bytesField(1, msg(bytesField(1, 'input'))))),
        bytesField(303, msg(vint(1, 1))),
      ),
      'Model.mlmodel',
    )
    expect(r.format).toBe('coreml')
    expect(r.verdict).toBe('safe')
    expect(r.metadata).toEqual({ specificationVersion: 7, modelTypeField: 303 })
  })

  it('an .mlpackage Manifest.json is recognised', () => {
    const r = judge(
      Buffer.from(
        JSON.stringify({
          fileFormatVersion: '1.0.0',
          itemInfoEntries: { a: {}, b: {} },
          rootModelIdentifier: 'a',
        }),
      ),
      'Manifest.json',
    )
    expect(r.format).toBe('coreml')
    expect(r.metadata).toMatchObject({ items: 2 })
  })
})
