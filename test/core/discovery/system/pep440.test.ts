import { describe, expect, it } from 'vitest'
import {
  compareVersions,
  inRange,
  parseVersion,
} from '../../../../src/core/discovery/system/python/pep440'

describe('PEP 440 comparator', () => {
  it('orders dev < pre < final < post and pads release segments', () => {
    const ordered = [
      '1.0.dev1',
      '1.0a1',
      '1.0a2',
      '1.0b1',
      '1.0rc1',
      '1.0',
      '1.0.post1',
      '1.0.1',
      '1.1.dev0',
      '1.1',
      '2!0.1',
    ]
    for (let i = 0; i + 1 < ordered.length; i++) {
      const a = ordered[i] as string
      const b = ordered[i + 1] as string
      expect(compareVersions(a, b), `${a} < ${b}`).toBe(-1)
      expect(compareVersions(b, a), `${b} > ${a}`).toBe(1)
    }
    expect(compareVersions('1.0', '1.0.0')).toBe(0)
    expect(compareVersions('v2.6', '2.6.0')).toBe(0)
    expect(compareVersions('1.0-RC1', '1.0rc1')).toBe(0)
    expect(compareVersions('1.0-1', '1.0.post1')).toBe(0)
    expect(compareVersions('0.2.10', '0.2.9')).toBe(1)
  })

  it('sorts a local label just after its public version', () => {
    expect(compareVersions('2.5.1+cu121', '2.5.1')).toBe(1)
    expect(compareVersions('2.5.1+cu121', '2.6.0')).toBe(-1)
    expect(compareVersions('2.6.0+cu124', '2.6.0')).toBe(1)
  })

  it('does not parse legacy or hostile strings', () => {
    for (const bad of ['', 'latest', '1.0-foo-bar', '1..0', '../../etc', '1.0 ; rm -rf'])
      expect(parseVersion(bad), bad).toBeUndefined()
    expect(compareVersions('latest', '1.0')).toBeUndefined()
  })

  it('matches OSV-style ranges and says unknown for unparseable versions', () => {
    expect(inRange('2.5.1', { fixed: '2.6.0' })).toBe(true)
    expect(inRange('2.6.0rc1', { fixed: '2.6.0' })).toBe(true)
    expect(inRange('2.6.0', { fixed: '2.6.0' })).toBe(false)
    expect(inRange('0.2.29', { introduced: '0.2.30', fixed: '0.2.72' })).toBe(false)
    expect(inRange('0.2.30', { introduced: '0.2.30', fixed: '0.2.72' })).toBe(true)
    expect(inRange('1.3', { lastAffected: '1.2.9' })).toBe(false)
    expect(inRange('1.2.9', { lastAffected: '1.2.9' })).toBe(true)
    expect(inRange('weird', { fixed: '1.0' })).toBeUndefined()
  })
})
