import { describe, expect, it } from 'vitest'
import { createSecretScanner } from '../../../src/core/secrets'
import type { SecretFileKind } from '../../../src/core/secrets'
import { makeDecoys } from '../../fixtures/generators/secrets/decoys'
import { CS, KEY_MAKERS, makeRng, rand, uuid } from '../../fixtures/generators/secrets/keys'
import { KEY } from './helpers'

const scanner = createSecretScanner({ fingerprintKey: KEY })
const rng = makeRng(99)
const key = (maker: string) => KEY_MAKERS[maker]!(rng)
const scan = (text: string, path = '/home/u/app/.env', kind: SecretFileKind = 'dotenv') =>
  scanner.scanText(text, { path, kind })

/** Each decoy is paired with a control that differs only in the trait under test. */
describe('decoy suppression', () => {
  it('placeholders: all-x, repeated, sequential, YOUR/REPLACE words are not keys', () => {
    const real = key('openai-project')
    expect(scan(`OPENAI_API_KEY=${real}`)).toHaveLength(1)
    expect(scan(`OPENAI_API_KEY=sk-proj-${'x'.repeat(160)}`)).toHaveLength(0)
    expect(scan(`OPENAI_API_KEY=sk-proj-${real.slice(8, 60)}${'Z'.repeat(8)}`)).toHaveLength(0)
    expect(scan(`OPENAI_API_KEY=sk-proj-YOUR_KEY_${real.slice(20)}`)).toHaveLength(0)
    expect(
      scan(`OPENAI_API_KEY=sk-proj-${real.slice(8, 40)}REPLACE${real.slice(40)}`),
    ).toHaveLength(0)
    const hf = key('huggingface-token')
    expect(scan(`HF_TOKEN=${hf}`)).toHaveLength(1)
    expect(scan('HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH')).toHaveLength(0)
  })

  it('low entropy and missing character classes are not keys', () => {
    expect(scan(`GROQ_API_KEY=${key('groq')}`)).toHaveLength(1)
    expect(scan(`GROQ_API_KEY=gsk_${'aB1'.repeat(17)}a`)).toHaveLength(0)
    // All-lowercase 52 letters: a word salad, not a base62 key.
    expect(scan(`GROQ_API_KEY=gsk_${rand(rng, 'abcdefghijklmnopqrstuvwxyz', 52)}`)).toHaveLength(0)
  })

  it('references are not keys: ${VAR}, $(pass show), ${input:}, ${env:}, os.environ, process.env', () => {
    const m = key('mistral')
    expect(scan(`MISTRAL_API_KEY=${m}`)).toHaveLength(1)
    expect(scan(`MISTRAL_API_KEY=\${${m}}`)).toHaveLength(0)
    expect(scan(`MISTRAL_API_KEY=$(pass show ${m})`)).toHaveLength(0)
    expect(scan(`{"MISTRAL_API_KEY": "\${input:${m}}"}`, '/h/a.json', 'json')).toHaveLength(0)
    expect(scan(`{"MISTRAL_API_KEY": "\${env:${m}}"}`, '/h/a.json', 'json')).toHaveLength(0)
    expect(scan(`mistral = os.environ["${m}"]`, '/h/a.py', 'source')).toHaveLength(0)
    expect(scan(`const mistral = process.env.${m}`, '/h/a.ts', 'source')).toHaveLength(0)
    // An assignment after a closed reference is a key again.
    expect(scan(`os.environ["MISTRAL_API_KEY"] = "${m}"`, '/h/a.py', 'source')).toHaveLength(1)
  })

  it('documented AWS example keys are not keys; a real-shaped pair is', () => {
    const id = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('')
    const secret = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/')
    const text = (a: string, s: string) =>
      `[default]\naws_access_key_id = ${a}\naws_secret_access_key = ${s}\n`
    const path = '/h/.aws/credentials'
    expect(scan(text(id, secret), path, 'aws-credentials')).toHaveLength(0)
    const real = scan(
      text(key('aws-access-key-id'), key('aws-secret-access-key')),
      path,
      'aws-credentials',
    )
    expect(real.map((h) => h.detector).sort()).toEqual([
      'aws-access-key-id',
      'aws-secret-access-key',
    ])
  })

  it('truncated documentation examples are not keys', () => {
    const real = key('anthropic-api')
    expect(scan(`key: ${real}`, '/h/notes.md', 'text')).toHaveLength(1)
    expect(scan(`key: ${real}...`, '/h/notes.md', 'text')).toHaveLength(0)
    expect(scan(`key: ${real}…`, '/h/notes.md', 'text')).toHaveLength(0)
  })

  it('fixtures named fake/test/dummy/example are not scanned as real keys', () => {
    const k = key('groq')
    expect(scan(`GROQ_API_KEY=${k}`, '/h/app/settings.py', 'source')).toHaveLength(1)
    for (const p of [
      '/h/app/fake_keys.py',
      '/h/app/test_client.py',
      '/h/app/dummy.env',
      '/h/app/.env.example',
      '/h/app/__fixtures__/keys.py',
    ]) {
      expect(scan(`GROQ_API_KEY=${k}`, p, 'source'), p).toHaveLength(0)
    }
  })

  it('UUIDs, git SHAs, digests and integrity hashes near a keyword are not keys', () => {
    const w = rand(rng, CS.hex, 40)
    expect(scan(`WANDB_API_KEY=${w}`)).toHaveLength(1)
    expect(
      scan(`wandb @ git+https://github.com/wandb/wandb.git@${w}`, '/h/r.txt', 'text'),
    ).toHaveLength(0)
    expect(scan(`wandb_commit: ${w}`, '/h/r.yaml', 'yaml')).toHaveLength(0)
    expect(scan(`wandb_run_id: ${uuid(rng)}`, '/h/r.yaml', 'yaml')).toHaveLength(0)
    const t = rand(rng, CS.hex, 64)
    expect(scan(`TOGETHER_API_KEY=${t}`)).toHaveLength(1)
    expect(
      scan(`{"model": "together", "digest": "sha256:${t}"}`, '/h/m.json', 'json'),
    ).toHaveLength(0)
    expect(scan(`{"together": {"checksum": "${t}"}}`, '/h/m.json', 'json')).toHaveLength(0)
  })

  it('keyword rows need their keyword; unattributable shapes are never reported', () => {
    expect(scan(`DEEPSEEK_API_KEY=${key('deepseek')}`)).toHaveLength(1)
    expect(scan(`SOME_KEY=${key('deepseek')}`)).toHaveLength(0)
    expect(scan(`SOME_KEY=${key('mistral')}`)).toHaveLength(0)
    // Azure needs the endpoint in the same text.
    const az = key('azure-openai')
    expect(scan(`AZURE_OPENAI_API_KEY=${az}`)).toHaveLength(0)
    expect(
      scan(`AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com\nAZURE_OPENAI_API_KEY=${az}`),
    ).toHaveLength(1)
  })

  it('locale tags and short sk- strings are not keys', () => {
    expect(scan('{"locales": ["sk-SK", "sk_SK"]}', '/h/i18n.json', 'json')).toHaveLength(0)
  })

  it('each generated decoy on its own yields no hit from the scanner', () => {
    for (const d of makeDecoys(makeRng(5))) {
      const kind: SecretFileKind = d.rel.endsWith('.ipynb') ? 'notebook' : 'text'
      const hits = scanner.scanText(d.text, { path: `/h/${d.rel}`, kind })
      // Vendored/minified/source-map decoys are excluded by file kind, not by the scanner.
      if (/node_modules|\.min\.js|\.map$/.test(d.rel)) continue
      expect(hits, d.name).toHaveLength(0)
    }
  })
})
