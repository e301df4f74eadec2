import {
  chmodSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'

/**
 * The OS keychain encryption Electron's `safeStorage` offers (Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux). Passed in so this module is tested without Electron.
 */
export type StringCipher = Readonly<{
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(cipher: Buffer): string
}>

/**
 * The same shape as core's sync `TokenStore` (read / write / clear, synchronous), plus whether a
 * write can work: the app checks before it enrolls, so a token the server issues is never lost.
 */
export type SafeTokenStore = Readonly<{
  read(): string | undefined
  write(token: string): void
  clear(): void
  usable(): boolean
}>

export class TokenStorageUnavailable extends Error {
  constructor() {
    super(
      'This system offers no keychain to encrypt the device token (on Linux: install and unlock ' +
        'a Secret Service such as GNOME Keyring or KWallet), so AI Scout will not store it.',
    )
    this.name = 'TokenStorageUnavailable'
  }
}

/**
 * The desktop app's device token store: the token encrypted by the OS keychain, in a 0600 file
 * replaced atomically. It never falls back to clear text: without a keychain (Electron's
 * "basic_text" backend on Linux counts as none) writing refuses, so the app asks the user to
 * enable one rather than leave a bearer token readable on disk (non-negotiable 2).
 */
export function safeTokenStore(
  path: string,
  cipher: StringCipher,
  opts: Readonly<{ backend?: () => string }> = {},
): SafeTokenStore {
  const usable = (): boolean => cipher.isEncryptionAvailable() && opts.backend?.() !== 'basic_text'
  return {
    usable,
    read() {
      let blob: Buffer
      try {
        blob = readFileSync(path)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
      if (blob.length === 0) return undefined
      if (!usable()) throw new TokenStorageUnavailable()
      const t = cipher.decryptString(blob).trim()
      return t === '' ? undefined : t
    },
    write(token) {
      if (!usable()) throw new TokenStorageUnavailable()
      const blob = cipher.encryptString(token)
      const tmp = `${path}.${process.pid}.tmp`
      const fd = openSync(tmp, 'w', 0o600)
      try {
        writeSync(fd, blob)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      // The mode given to open is filtered by the umask.
      chmodSync(tmp, 0o600)
      renameSync(tmp, path)
    },
    clear() {
      rmSync(path, { force: true })
    },
  }
}
