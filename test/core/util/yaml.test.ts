import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseYaml } from '../../../src/core/util/yaml'

describe('parseYaml', () => {
  afterEach(() => vi.restoreAllMocks())

  it('prints nothing for an unresolved tag (the library would quote the tagged value on stderr)', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(parseYaml('PGPASSWORD: !s3cretValue42\n')).toHaveProperty('PGPASSWORD')
    expect(warn).not.toHaveBeenCalled()
    expect(stderr).not.toHaveBeenCalled()
  })

  it('still throws on a document it cannot parse', () => {
    expect(() => parseYaml('a: [1, 2\nb: c: d\n')).toThrow()
  })
})
