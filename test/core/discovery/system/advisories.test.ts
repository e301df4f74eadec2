import { describe, expect, it } from 'vitest'
import { advisoriesFor } from '../../../../src/core/discovery/system/python/advisory-match'
import { ADVISORIES } from '../../../../src/core/rules/package-advisories'
import { aiCategory, normalizeName } from '../../../../src/core/discovery/system/python/ai-packages'
import { parseVersion } from '../../../../src/core/discovery/system/python/pep440'
import { DISCOVERY_SYSTEM_RULES } from '../../../../src/core/rules/discovery-system-rules'

const ids = (name: string, v: string) => advisoriesFor(name, v).map((a) => a.id)

describe('AI package table', () => {
  it('normalises names per PEP 503 and knows package families', () => {
    expect(normalizeName('Llama_Cpp.Python')).toBe('llama-cpp-python')
    expect(aiCategory('huggingface_hub')).toBe('model-tooling')
    expect(aiCategory('langchain-openai')).toBe('orchestration')
    expect(aiCategory('llama_index_core')).toBe('orchestration')
    expect(aiCategory('langchain')).toBe('orchestration')
    expect(aiCategory('requests')).toBeUndefined()
    expect(aiCategory('langchainx')).toBeUndefined()
  })
})

describe('advisory table', () => {
  it('every entry parses and names a known AI package', () => {
    for (const a of ADVISORIES) {
      expect(a.packages.length).toBeGreaterThan(0)
      for (const p of a.packages) expect(aiCategory(p), `${a.id} ${p}`).toBeDefined()
      for (const r of a.ranges)
        for (const b of [r.introduced, r.fixed, r.lastAffected])
          if (b) expect(parseVersion(b), `${a.id} ${b}`).toBeDefined()
    }
    const rule = DISCOVERY_SYSTEM_RULES.find((r) => r.id === 'package.vulnerable')
    expect(rule?.advisories).toEqual(ADVISORIES.map((a) => a.id))
  })

  // CVE-2025-32434: torch.load(weights_only=True) bypass, fixed in torch 2.6.0.
  it('flags torch before 2.6.0 (CVE-2025-32434), including local builds, and not 2.6.0', () => {
    expect(ids('torch', '2.5.1')).toContain('CVE-2025-32434')
    expect(ids('torch', '2.5.1+cu121')).toContain('CVE-2025-32434')
    expect(ids('pytorch', '2.1.0')).toContain('CVE-2025-32434')
    expect(ids('torch', '2.6.0')).toEqual([])
    expect(ids('torch', '2.6.0+cu124')).toEqual([])
  })

  // CVE-2024-34359: llama-cpp-python chat-template SSTI, fixed in 0.2.72.
  it('flags llama-cpp-python 0.2.71 (CVE-2024-34359) and not 0.2.72', () => {
    expect(ids('llama_cpp_python', '0.2.71')).toEqual(['CVE-2024-34359'])
    expect(ids('llama-cpp-python', '0.2.72')).toEqual([])
  })

  it('handles multi-range advisories (CVE-2025-68664, langchain-core)', () => {
    expect(ids('langchain-core', '0.3.80')).toContain('CVE-2025-68664')
    expect(ids('langchain-core', '0.3.81')).toEqual([])
    expect(ids('langchain-core', '1.2.4')).toContain('CVE-2025-68664')
    expect(ids('langchain-core', '1.2.5')).toEqual([])
  })

  it('reports transformers and vllm advisories by range', () => {
    expect(ids('transformers', '4.35.2')).toEqual(
      expect.arrayContaining(['CVE-2023-6730', 'CVE-2023-7018', 'CVE-2024-3568']),
    )
    expect(ids('transformers', '4.38.0')).toEqual([])
    expect(ids('vllm', '0.8.4')).toEqual(
      expect.arrayContaining(['CVE-2025-47277', 'CVE-2025-32444']),
    )
    expect(ids('vllm', '0.8.5')).toEqual([])
    expect(ids('vllm', 'not-a-version')).toEqual([])
  })
})
