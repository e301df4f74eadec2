import { describe, expect, it } from 'vitest'
import type { SecretHit } from '../../../src/core/secrets'
import {
  secretAssetFromHit,
  secretAssetIdentity,
  secretFindingFromHit,
} from '../../../src/core/secrets'

// A hit as the scanner returns it: redacted preview and fingerprint only, never a value.
const hit: SecretHit = {
  ruleId: 'secret.ai-api-key',
  detector: 'openai-project',
  provider: 'OpenAI',
  line: 7,
  column: 3,
  redacted: 'sk-p…9f2c',
  fingerprint: 'fp-0123abcd',
  severity: 'high',
  where: 'env',
}

describe('secret hit records (one shape for the pass and the locators)', () => {
  it('builds the asset with the shared identity and details, and the source given', () => {
    const a = secretAssetFromHit(hit, '/h/.env', 'notebook')
    expect(a).toEqual({
      kind: 'secret',
      path: '/h/.env',
      identity: 'fp-0123abcd@/h/.env:7',
      name: 'OpenAI key',
      source: 'notebook',
      details: {
        provider: 'OpenAI',
        line: 7,
        redacted: 'sk-p…9f2c',
        fingerprint: 'fp-0123abcd',
        ruleId: 'secret.ai-api-key',
        detector: 'openai-project',
        where: 'env',
      },
    })
    expect(a.identity).toBe(secretAssetIdentity(hit, '/h/.env'))
    // Same identity and details whoever emits it: only the source differs.
    const b = secretAssetFromHit(hit, '/h/.env', 'secrets')
    expect({ ...b, source: 'notebook' }).toEqual(a)
  })

  it('words the finding by where the key sits and links it only when an asset id is given', () => {
    const f = secretFindingFromHit(hit, '/h/.env')
    expect(f).toEqual({
      ruleId: 'secret.ai-api-key',
      severity: 'high',
      message: 'OpenAI API key in an environment file: /h/.env:7 (sk-p…9f2c)',
      path: '/h/.env',
      line: 7,
    })
    expect('assetId' in f).toBe(false)
    expect(secretFindingFromHit({ ...hit, where: 'output' }, '/n.ipynb', 'a1')).toMatchObject({
      message: 'OpenAI API key in a notebook output: /n.ipynb:7 (sk-p…9f2c)',
      assetId: 'a1',
    })
  })
})
