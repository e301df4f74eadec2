import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { identityKeysLocator } from '../../../../src/core/discovery/tools/identity-keys'
import { createSecretScanner } from '../../../../src/core/secrets'
import { openSshEd25519 } from '../../../fixtures/generators/homes/identity-keys'
import { makeRoot, put } from '../../../fixtures/generators/homes/tools-common'
import { makeTestContext } from '../../../helpers/discovery-context'
import { PLATFORMS } from './helpers'

async function run(platform: (typeof PLATFORMS)[number], plant: (home: string) => void) {
  const { home } = makeRoot(`idkeys-${platform}`)
  plant(home)
  const t = makeTestContext({
    home,
    platform,
    secrets: createSecretScanner({ fingerprintKey: randomBytes(32) }),
  })
  await identityKeysLocator.locate(t.ctx)
  return { home, ...t }
}

describe.each(PLATFORMS)('AI tool identity keys (%s layout)', (platform) => {
  it('reports Ollama’s private key as a key asset, never its material; the public key beside it is not one', async () => {
    const pair = openSshEd25519()
    const { assets, findings, claimedFiles, home } = await run(platform, (h) => {
      put(h, '.ollama/id_ed25519', pair.privateKey, 0o644)
      put(h, '.ollama/id_ed25519.pub', pair.publicKey, 0o644)
    })
    const path = join(home, '.ollama', 'id_ed25519')
    expect(assets).toHaveLength(1)
    expect(assets[0]).toMatchObject({
      kind: 'secret',
      path,
      name: 'Ollama identity key',
      source: 'ollama',
    })
    expect(assets[0]!.details).toMatchObject({
      provider: 'Ollama',
      detector: 'private-key',
      ruleId: 'secret.identity-key',
      keyType: 'ssh-ed25519',
      encrypted: false,
      publicKeyFingerprint: pair.fingerprint,
      line: 1,
    })
    expect(String(assets[0]!.details?.fingerprint)).toMatch(/^[0-9a-f]{64}$/)
    expect(claimedFiles.has(path)).toBe(true)
    const rules = findings.map((f) => f.ruleId).sort()
    // Mode bits are checked where they mean something (not for a Windows layout).
    expect(rules).toEqual(
      platform === 'win32'
        ? ['secret.identity-key']
        : ['posture.key-file-permissions', 'secret.identity-key'],
    )
    if (platform !== 'win32')
      expect(findings.find((f) => f.ruleId === 'posture.key-file-permissions')).toMatchObject({
        severity: 'high',
        assetId: assets[0]!.id,
      })
    const out = JSON.stringify({ assets, findings })
    expect(out).not.toContain(pair.body.slice(40, 80))
    expect(out).not.toContain(pair.body.slice(-60, -10))
    expect(out).not.toContain('BEGIN OPENSSH')
  })

  it('raises no permission finding for a key only its owner can read', async () => {
    const pair = openSshEd25519()
    const { findings } = await run(platform, (h) =>
      put(h, '.ollama/id_ed25519', pair.privateKey, 0o600),
    )
    expect(findings.map((f) => f.ruleId)).toEqual(['secret.identity-key'])
  })

  it('reports nothing for a public key, an empty or a garbled file at the key’s path', async () => {
    const pair = openSshEd25519()
    for (const content of [
      pair.publicKey,
      '',
      'not a key\n',
      '-----BEGIN OPENSSH PRIVATE KEY-----\n!!\n',
    ]) {
      const { assets, findings } = await run(platform, (h) =>
        put(h, '.ollama/id_ed25519', content, 0o644),
      )
      expect(assets, JSON.stringify(content)).toEqual([])
      expect(findings).toEqual([])
    }
  })
})
