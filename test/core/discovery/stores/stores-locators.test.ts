import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORE_LOCATORS } from '../../../../src/core/discovery/stores'
import type { Platform } from '../../../../src/core/discovery/types'
import { assetIdFor } from '../../../../src/core/engine/asset-id'
import { DISCOVERY_STORES_RULES } from '../../../../src/core/rules/discovery-stores-rules'
import { buildStoresHome, COMMIT_B } from '../../../fixtures/generators/homes/stores-home'
import { makeTestContext } from '../../../helpers/discovery-context'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

async function scan(platform: Platform) {
  const built = buildStoresHome(platform)
  roots.push(built.root)
  const t = makeTestContext({ home: built.home, platform })
  for (const l of STORE_LOCATORS) await l.locate(t.ctx)
  return { ...built, ...t }
}

describe.each<Platform>(['linux', 'darwin', 'win32'])('store locators on a %s home', (platform) => {
  let r: Awaited<ReturnType<typeof scan>>
  beforeAll(async () => {
    r = await scan(platform)
  })

  it('emits assets and skips nothing on a well-formed home', () => {
    expect(r.assets.length).toBeGreaterThan(10)
    expect(r.skipped).toEqual([])
  })

  it('parses Ollama manifests into name:tag with config facts and the blob digest', () => {
    const a = r.assets.find((x) => x.identity === 'ollama:registry.ollama.ai/library/llama3:8b')
    expect(a).toBeDefined()
    expect(a?.name).toBe('llama3:8b')
    expect(a?.source).toBe('ollama')
    expect(a?.path).toBe(join(r.home, '.ollama', 'models', 'blobs', `sha256-${r.ollama.good}`))
    expect(a?.sha256).toBe(r.ollama.good)
    expect(a?.details).toMatchObject({
      family: 'llama',
      parameterSize: '8.0B',
      quantization: 'Q4_0',
    })
    expect(a?.details?.totalSize).toBeGreaterThan(0)
    expect(r.claimedDirs.has(join(r.home, '.ollama', 'models'))).toBe(true)
  })

  it('reports a truncated GGUF blob as invalid and a missing blob as a finding', () => {
    const bad = r.assets.find((x) => x.identity === 'ollama:hf.co/acme/tiny-GGUF:Q4_K_M')
    expect(bad?.name).toBe('hf.co/acme/tiny-GGUF:Q4_K_M')
    expect(bad?.verdict).toBe('invalid')
    // The well-formed GGUF in the same store is not reported invalid.
    expect(r.assets.find((x) => x.name === 'llama3:8b' && x.source === 'ollama')?.verdict).not.toBe(
      'invalid',
    )
    const gone = r.findings.filter((f) => f.ruleId === 'store.ollama-missing-blob')
    expect(gone.map((f) => f.message).join('\n')).toContain(r.ollama.missing)
    expect(
      r.assets.find((x) => x.identity === 'ollama:registry.ollama.ai/library/gone:latest')?.verdict,
    ).toBe('invalid')
    expect(
      r.findings.some((f) => f.ruleId === 'store.bad-manifest' && f.path.includes('junk')),
    ).toBe(true)
  })

  it('gives one HF repo asset and one blob asset for two revisions linking the same weights', () => {
    const repos = r.assets.filter((x) => x.kind === 'model' && x.name === 'acme/tiny-llm')
    expect(repos).toHaveLength(1)
    const repo = repos[0]
    expect(repo?.id).toBe(assetIdFor('model', r.hf.repo))
    expect(repo?.version).toBe(COMMIT_B)
    expect(repo?.details?.purl).toBe(`pkg:huggingface/acme/tiny-llm@${COMMIT_B}`)
    expect(repo?.details?.modelType).toBe('llama')
    const blobs = r.assets.filter((x) => x.path === r.hf.weightsBlob)
    expect(blobs).toHaveLength(1)
    expect(blobs[0]?.sha256).toBe(r.hf.weightsSha)
    expect(blobs[0]?.details?.files).toEqual(['model.safetensors'])
    expect(blobs[0]?.details?.revisions).toHaveLength(2)
    expect(blobs[0]?.links).toContainEqual({ to: repo?.id, relation: 'part-of' })
    expect(repo?.links).toContainEqual({ to: blobs[0]?.id, relation: 'has-file' })
    // Snapshot links are not separate assets.
    expect(r.assets.some((x) => x.path.includes(`${'/'}snapshots${'/'}`))).toBe(false)
  })

  it('marks MLX repos and lists hub and datasets-cache datasets as kind dataset', () => {
    const mlx = r.assets.find((x) => x.name === 'mlx-community/tiny-4bit')
    expect(mlx?.details).toMatchObject({ framework: 'mlx', quantization: '4-bit' })
    const ds = r.assets.filter((x) => x.kind === 'dataset').map((x) => `${x.source}:${x.name}`)
    expect(ds).toContain('huggingface-cache:acme/reviews')
    expect(ds).toContain('huggingface-datasets-cache:acme/reviews')
    expect(ds).not.toContain('huggingface-datasets-cache:downloads')
    expect(ds).toContain('keras:mnist.npz')
  })

  const expected: readonly (readonly [
    string,
    keyof ReturnType<typeof buildStoresHome>['paths'],
  ])[] = [
    ['lm-studio', 'lmNew'],
    ['lm-studio', 'lmOld'],
    ['gpt4all', 'gpt4all'],
    ['gpt4all', 'gpt4allSdk'],
    ['jan', 'jan'],
    ['llama-cpp', 'llamaCpp'],
    ['torch-hub', 'torch'],
    ['keras', 'keras'],
    ['comfyui', 'comfy'],
    ['comfyui', 'comfyLora'],
    ['comfyui', 'comfyExtra'],
    ['automatic1111', 'a1111'],
    ['automatic1111', 'a1111Emb'],
    ['text-generation-webui', 'tgw'],
    ['localai', 'localai'],
    ['docker-model-runner', 'dmr'],
  ]
  it.each(expected)('finds the %s model at %s', (source, key) => {
    const path = r.paths[key]
    const hits = r.assets.filter((x) => x.path === path)
    expect(hits).toHaveLength(1)
    expect(hits[0]?.source).toBe(source)
    expect(hits[0]?.kind).toBe('model')
    expect(hits[0]?.details?.storeTotalBytes).toBeGreaterThan(0)
  })

  it('reports store details: truncated LM Studio GGUF invalid, llama.cpp repo, ComfyUI category, LocalAI config', () => {
    const byPath = (p: string) => r.assets.find((x) => x.path === p)
    expect(byPath(r.paths.lmOld)?.verdict).toBe('invalid')
    expect(byPath(r.paths.lmNew)?.verdict).not.toBe('invalid')
    expect(byPath(r.paths.lmNew)?.details).toMatchObject({
      publisher: 'lmstudio-community',
      model: 'Qwen-GGUF',
    })
    expect(byPath(r.paths.llamaCpp)?.details?.repoId).toBe('acme/tiny-GGUF')
    expect(byPath(r.paths.comfyLora)?.details?.category).toBe('loras')
    expect(byPath(r.paths.comfyExtra)?.details).toMatchObject({
      category: 'checkpoints',
      extraModelPathsGroup: 'mine',
    })
    expect(byPath(r.paths.localai)?.details?.configName).toBe('phi-chat')
    expect(byPath(r.paths.torch)?.details?.hubRepos).toEqual(['pytorch_vision_v0.10.0'])
    expect(byPath(r.paths.dmr)?.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('parses the Msty store with its own source and claims every store root', () => {
    expect(r.assets.some((x) => x.source === 'msty' && x.name === 'llama3:8b')).toBe(true)
    for (const key of ['lmNew', 'comfy', 'tgw'] as const)
      expect(r.ctx.isClaimed(r.paths[key])).toBe(true)
    expect(r.ctx.isClaimed(r.hf.weightsBlob)).toBe(true)
  })

  it('lists each model file once and uses only rule ids it defines', () => {
    const ids = r.assets.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
    const known = new Set(DISCOVERY_STORES_RULES.map((x) => x.id))
    for (const f of r.findings.filter((x) => x.ruleId.startsWith('store.')))
      expect(known.has(f.ruleId)).toBe(true)
  })
})
