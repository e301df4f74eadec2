import { createHash, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSecretScanner } from '../../../src/core/secrets'
import { openSshEd25519 } from '../../fixtures/generators/homes/identity-keys'

const scanner = createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(3) })
const at = { path: '/h/.ollama/id_ed25519', provider: 'Ollama' }

describe('private key files', () => {
  it('OpenSSH: algorithm, no passphrase and the public fingerprint ssh-keygen prints', () => {
    const pair = openSshEd25519()
    const found = scanner.scanPrivateKey(`\n${pair.privateKey}`, at)!
    expect(found.facts).toEqual({
      algorithm: 'ssh-ed25519',
      encrypted: false,
      publicKeyFingerprint: pair.fingerprint,
    })
    expect(found.hit).toMatchObject({ provider: 'Ollama', line: 2, ruleId: 'secret.identity-key' })
    expect(found.hit.redacted).toBe(`ssh-ed25519 private key …${pair.fingerprint.slice(-4)}`)
    // The fingerprint is stable for the same key and differs between keys.
    expect(scanner.scanPrivateKey(pair.privateKey, at)!.hit.fingerprint).toBe(found.hit.fingerprint)
    expect(scanner.scanPrivateKey(openSshEd25519().privateKey, at)!.hit.fingerprint).not.toBe(
      found.hit.fingerprint,
    )
  })

  it('PKCS#8: algorithm and SPKI fingerprint; an encrypted key says so without a passphrase', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const spki = publicKey.export({ type: 'spki', format: 'der' })
    expect(scanner.scanPrivateKey(pem, at)!.facts).toEqual({
      algorithm: 'ec',
      encrypted: false,
      publicKeyFingerprint: `SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`,
    })
    const locked = privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-for-test' })
      .toString()
    expect(scanner.scanPrivateKey(locked, at)!.facts).toEqual({
      algorithm: 'unknown',
      encrypted: true,
    })
  })

  it('public keys, certificates and text are not private keys', () => {
    const pair = openSshEd25519()
    const { publicKey } = generateKeyPairSync('ed25519')
    for (const text of [
      pair.publicKey,
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'just some text',
    ])
      expect(scanner.scanPrivateKey(text, at)).toBeUndefined()
  })
})
