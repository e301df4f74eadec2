import { describe, expect, it } from 'vitest'
import { middlePath, middleText } from '../../src/renderer/src/lib/format'

describe('text shortened in the middle for narrow columns', () => {
  it('keeps a path that fits, and writes the home folder as ~', () => {
    expect(middlePath('/home/u/.ollama/models/x', 40, '/home/u')).toBe('~/.ollama/models/x')
    expect(middlePath('/home/user2/a', 40, '/home/u')).toBe('/home/user2/a')
  })

  it('drops middle folders first and keeps the whole file name when it fits', () => {
    const p = '/home/u/.cache/huggingface/hub/models--acme--tiny-llm'
    const out = middlePath(p, 26, '/home/u')
    expect(out.length).toBeLessThanOrEqual(28)
    expect(out.startsWith('~/')).toBe(true)
    expect(out.endsWith('/models--acme--tiny-llm')).toBe(true)
    expect(out).toContain('…')
  })

  it('shortens a file name too long for the column, keeping both ends', () => {
    const blob = `sha256-${'0123456789abcdef'.repeat(4)}`
    const out = middlePath(`/home/u/.ollama/models/blobs/${blob}`, 30, '/home/u')
    expect(out.length).toBeLessThanOrEqual(32)
    expect(out).toContain('sha256')
    expect(out.endsWith(blob.slice(-8))).toBe(true)
  })

  it('middleText keeps the start and the longer end, within the limit', () => {
    expect(middleText('llama3:8b', 20)).toBe('llama3:8b')
    const out = middleText('lmstudio-community/Qwen2.5-7B-Instruct-GGUF/qwen-q4_k_m.gguf', 24)
    expect(out).toHaveLength(24)
    expect(out.startsWith('lmstudio')).toBe(true)
    expect(out.endsWith('q4_k_m.gguf')).toBe(true)
  })
})
