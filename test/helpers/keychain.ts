import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { StringCipher } from '../../src/main/safe-token-store'

/** Stands in for the OS keychain behind Electron's safeStorage: AES-256-GCM with a secret key. */
export function keychain(available = true): StringCipher {
  const key = randomBytes(32)
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decryptString(blob) {
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12))
      d.setAuthTag(blob.subarray(12, 28))
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8')
    },
  }
}
