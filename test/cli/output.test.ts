import { describe, expect, it } from 'vitest'
import { grouped, plural } from '../../src/cli/output'

describe('counts in CLI text', () => {
  it('groups thousands as en-US does, without ICU', () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1000000, 60005, -1234567, 2 ** 40])
      expect(grouped(n)).toBe(n.toLocaleString('en-US'))
    expect(grouped(1.5)).toBe('1.5')
  })
  it('pluralises by count', () => {
    expect(plural(1, 'file')).toBe('1 file')
    expect(plural(1234, 'match', 'matches')).toBe('1,234 matches')
  })
})
