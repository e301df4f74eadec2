import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TokenStorageUnavailable, safeTokenStore } from '../../src/main/safe-token-store'
import { keychain } from '../helpers/keychain'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-token-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const TOKEN = 'dt_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0'

describe('device token in the app: encrypted by the OS keychain, never clear text', () => {
  it('round-trips the token through an encrypted 0600 file that never holds it in clear', () => {
    const path = join(dir, 'a.sync-token')
    const store = safeTokenStore(path, keychain())
    expect(store.usable()).toBe(true)
    expect(store.read()).toBeUndefined()
    store.write(TOKEN)
    expect(store.read()).toBe(TOKEN)
    const raw = readFileSync(path)
    expect(raw.includes(Buffer.from(TOKEN))).toBe(false)
    expect(raw.toString('latin1')).not.toContain('dt_live')
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600)
    // A rotated token replaces the old one; clearing removes the file.
    store.write(`${TOKEN}-2`)
    expect(store.read()).toBe(`${TOKEN}-2`)
    store.clear()
    expect(existsSync(path)).toBe(false)
    expect(store.read()).toBeUndefined()
  })

  it('refuses to store a token without a keychain, and never writes it in clear', () => {
    for (const [cipher, backend] of [
      [keychain(false), undefined],
      // Electron on Linux without a Secret Service "encrypts" with a fixed key: that is none.
      [keychain(true), 'basic_text'],
    ] as const) {
      const path = join(dir, `none-${backend ?? 'off'}.sync-token`)
      const store = safeTokenStore(path, cipher, backend ? { backend: () => backend } : {})
      // The app asks first, so it never enrolls into a token it cannot keep.
      expect(store.usable()).toBe(false)
      expect(() => store.write(TOKEN)).toThrow(TokenStorageUnavailable)
      expect(existsSync(path)).toBe(false)
    }
  })

  it('will not read a token it cannot decrypt as if it were absent', () => {
    const path = join(dir, 'foreign.sync-token')
    writeFileSync(path, randomBytes(64))
    expect(() => safeTokenStore(path, keychain()).read()).toThrow()
    const off = safeTokenStore(path, keychain(false))
    expect(() => off.read()).toThrow(TokenStorageUnavailable)
  })
})
