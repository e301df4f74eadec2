import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  analyzeRepository,
  listRepositoryFiles,
} from '../../../../src/core/scanners/repo/analyze-repo'
import type { RepoFiles } from '../../../fixtures/generators/repo/repos'
import {
  benignRemoteCodeRepo,
  MALICIOUS_CODE,
  maliciousRemoteCodeRepo,
  remoteReferenceRepo,
  selfTargetRepo,
  writeRepo,
} from '../../../fixtures/generators/repo/repos'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function analyse(files: RepoFiles) {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-repo-'))
  dirs.push(dir)
  writeRepo(dir, files)
  return analyzeRepository(dir, listRepositoryFiles(dir))
}

describe('repository analysis', () => {
  it('a repository with harmless custom code needs trust_remote_code and is otherwise clean', () => {
    const r = analyse(benignRemoteCodeRepo())
    expect(r.needsTrustRemoteCode).toBe(true)
    expect(r.findings.map((f) => f.ruleId)).toEqual(['repo.custom-code'])
    expect(r.findings[0]!.severity).toBe('low')
    expect(r.verdict).toBe('suspicious')
    expect(r.customCode.map((c) => c.file).sort()).toEqual([
      'configuration_foo.py',
      'layers_foo.py',
      'modeling_foo.py',
      'tokenization_foo.py',
    ])
    // layers_foo.py is reached through a relative import of modeling_foo.py.
    expect(r.customCode.find((c) => c.file === 'layers_foo.py')?.referencedBy[0]).toMatch(
      /modeling_foo\.py import/,
    )
  })

  it('a folder without auto_map does not need trust_remote_code', () => {
    const files = benignRemoteCodeRepo()
    files['config.json'] = JSON.stringify({
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
    })
    files['tokenizer_config.json'] = JSON.stringify({ model_max_length: 8 })
    const r = analyse(files)
    expect(r.needsTrustRemoteCode).toBe(false)
    expect(r.findings).toEqual([])
    expect(r.verdict).toBe('safe')
  })

  for (const c of MALICIOUS_CODE) {
    it(`reports ${c.name} with file, line and call`, () => {
      const r = analyse(maliciousRemoteCodeRepo(c.code))
      const f = r.findings.find((x) => x.ruleId === c.rule)
      expect(f, JSON.stringify(r.findings)).toBeDefined()
      expect(f!.file).toBe('modeling_foo.py')
      expect(f!.line).toBeGreaterThan(0)
      expect(f!.path.endsWith('modeling_foo.py')).toBe(true)
      expect(r.verdict).toBe('malicious')
    })
  }

  it('follows relative imports into helper modules', () => {
    const r = analyse(maliciousRemoteCodeRepo(MALICIOUS_CODE[0]!.code, true))
    const f = r.findings.find((x) => x.ruleId === 'code.process-execution')
    expect(f?.file).toBe('layers_foo.py')
  })

  it('code from another repository or missing from the folder is reported', () => {
    const r = analyse(remoteReferenceRepo())
    expect(r.needsTrustRemoteCode).toBe(true)
    const ids = r.findings.map((f) => f.ruleId)
    expect(ids).toContain('repo.remote-code-reference')
    expect(ids).toContain('repo.custom-code-missing')
  })

  it('a config instantiating the repository’s own module is critical and its code is checked', () => {
    const r = analyse(selfTargetRepo())
    const ids = r.findings.map((f) => f.ruleId)
    expect(ids).toContain('config.instantiation-custom-code')
    expect(ids).toContain('code.process-execution')
    expect(r.verdict).toBe('malicious')
  })

  it('an unreadable (too large) code file is reported, never passed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-repo-'))
    dirs.push(dir)
    writeRepo(dir, benignRemoteCodeRepo())
    const r = analyzeRepository(dir, listRepositoryFiles(dir), {
      maxCodeBytes: 100,
      maxConfigBytes: 1 << 20,
      maxConfigs: 10,
      maxCodeFiles: 10,
    })
    expect(r.findings.map((f) => f.ruleId)).toContain('repo.custom-code-unreadable')
  })
})
