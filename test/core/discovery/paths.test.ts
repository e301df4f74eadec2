import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  baseDirs,
  envPath,
  overrideAllowed,
  scanningRealHome,
} from '../../../src/core/discovery/paths'

const home = '/home/me'

describe('the one "is this the real home" test and env overrides', () => {
  it('is the real home when the scanning environment’s own home is the scanned one', () => {
    expect(scanningRealHome({ home, platform: 'linux', env: { HOME: '/home/me/' } })).toBe(true)
    expect(scanningRealHome({ home, platform: 'linux', env: { HOME: '/home/other' } })).toBe(false)
    expect(scanningRealHome({ home, platform: 'linux', env: {} })).toBe(false)
    // Windows: USERPROFILE, compared without case.
    expect(
      scanningRealHome({
        home: 'C:\\Users\\Me',
        platform: 'win32',
        env: { USERPROFILE: 'c:\\users\\me\\' },
      }),
    ).toBe(true)
  })

  it('honours an override inside a --home, anywhere on the real home, never a relative one', () => {
    const fake = { home, platform: 'linux' as const }
    const env = { HF_HOME: '/data/hf', CODEX_HOME: '~/tools/codex', X: 'relative/dir' }
    expect(envPath({ ...fake, env }, 'CODEX_HOME')).toBe(join(home, 'tools', 'codex'))
    expect(envPath({ ...fake, env }, 'HF_HOME')).toBeUndefined()
    expect(envPath({ ...fake, env: { ...env, HOME: home } }, 'HF_HOME')).toBe('/data/hf')
    expect(envPath({ ...fake, env: { ...env, HOME: home } }, 'X')).toBeUndefined()
    expect(envPath({ ...fake, env }, 'UNSET')).toBeUndefined()
    expect(overrideAllowed({ ...fake, env }, '/home/me/.kube/extra')).toBe(true)
    expect(overrideAllowed({ ...fake, env }, '/home/meat/.kube/config')).toBe(false)
  })

  it('base directories follow the same rule', () => {
    const env = { XDG_CONFIG_HOME: '/etc/xdg-elsewhere', XDG_CACHE_HOME: '/home/me/c' }
    const fake = baseDirs({ home, platform: 'linux', env })
    expect(fake.dotConfig).toBe(join(home, '.config'))
    expect(fake.dotCache).toBe('/home/me/c')
    const real = baseDirs({ home, platform: 'linux', env: { ...env, HOME: home } })
    expect(real.dotConfig).toBe('/etc/xdg-elsewhere')
  })
})
