import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORE_LOCATORS } from '../../../../src/core/discovery/stores'
import type { Platform } from '../../../../src/core/discovery/types'
import { assetIdFor } from '../../../../src/core/engine/asset-id'
import { DISCOVERY_STORES_RULES } from '../../../../src/core/rules/discovery-stores-rules'
import { buildStoresHome, COMMIT_A, COMMIT_B } from '../../../fixtures/generators/homes/stores-home'
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

  it('counts Hugging Face models the way users do: one asset per repo, whatever its revisions and files', () => {
    const hfModels = r.assets.filter((x) => x.kind === 'model' && x.source === 'huggingface-cache')
    expect(hfModels.map((m) => m.name).sort()).toEqual([...r.hf.modelRepos].sort())
    // No asset for a blob or a snapshot link: the files are the repos' parts.
    expect(
      r.assets.some(
        (x) => x.path.includes(`${'/'}blobs${'/'}`) && x.source === 'huggingface-cache',
      ),
    ).toBe(false)
    expect(r.assets.some((x) => x.path.includes(`${'/'}snapshots${'/'}`))).toBe(false)
    const repo = hfModels.find((x) => x.name === 'acme/tiny-llm')!
    expect(repo.id).toBe(assetIdFor('model', r.hf.repo))
    expect(repo).toMatchObject({
      version: COMMIT_B,
      format: 'safetensors',
      sha256: r.hf.weightsSha,
      verdict: 'safe',
    })
    expect(repo.details).toMatchObject({
      purl: `pkg:huggingface/acme/tiny-llm@${COMMIT_B}`,
      modelType: 'llama',
      partCount: 1,
    })
    // Two revisions link the same weights: one part, scanned once, listing both revisions.
    expect(repo.details?.parts).toEqual([
      expect.objectContaining({
        name: 'model.safetensors',
        path: join(r.hf.repo, 'snapshots', COMMIT_B, 'model.safetensors'),
        blob: r.hf.weightsBlob,
        role: 'weights',
        format: 'safetensors',
        sha256: r.hf.weightsSha,
        verdict: 'safe',
        revisions: [COMMIT_B, expect.any(String)],
      }),
    ])
    expect(repo.sizeBytes).toBeGreaterThan(0)
  })

  it('lists a sharded repo’s shards and tokenizer config as parts of one model', () => {
    const big = r.assets.find((x) => x.path === r.hf.bigRepo)!
    const parts = big.details?.parts as { name: string; role: string; sha256: string | null }[]
    expect(parts.map((p) => [p.name, p.role]).sort()).toEqual([
      ['model-00001-of-00002.safetensors', 'weights'],
      ['model-00002-of-00002.safetensors', 'weights'],
      ['tokenizer_config.json', 'template'],
    ])
    expect(
      parts
        .filter((p) => p.role === 'weights')
        .map((p) => p.sha256)
        .sort(),
    ).toEqual([...r.hf.shardShas].sort())
    // Several weight files: no single digest for the model, the format of its weights.
    expect(big.sha256).toBeUndefined()
    expect(big.format).toBe('safetensors')
    expect(big.verdict).toBe('safe')
    expect(big.details?.partCount).toBe(3)
  })

  it('takes a multi-component repo’s worst part as its verdict and reports the part’s findings on the model, naming the file', () => {
    const sd = r.assets.find((x) => x.path === r.hf.sdRepo)!
    expect(sd.verdict).toBe('malicious')
    expect(sd.details?.formats).toEqual(['pickle', 'safetensors'])
    const vae = join(r.hf.sdRepo, 'snapshots', COMMIT_A, 'vae', 'diffusion_pytorch_model.bin')
    const found = r.findings.filter((f) => f.assetId === sd.id)
    expect(found.length).toBeGreaterThan(0)
    for (const f of found) {
      expect(f.path).toBe(vae)
      expect(f.message.startsWith('vae/diffusion_pytorch_model.bin: ')).toBe(true)
    }
    expect(found.some((f) => f.severity === 'critical')).toBe(true)
    const gguf = r.assets.find((x) => x.path === r.hf.ggufRepo)!
    expect(gguf).toMatchObject({ format: 'gguf', verdict: 'safe' })
    expect(gguf.details?.partCount).toBe(2)
  })

  it('lists a dataset repo’s files as its parts, with the digests they are named after', () => {
    const ds = r.assets.find((x) => x.path === r.hf.datasetRepo)!
    expect(ds.kind).toBe('dataset')
    const parts = ds.details?.parts as { name: string; format: string; sha256: string }[]
    expect(parts.map((p) => [p.name, p.format]).sort()).toEqual([
      ['data/test.parquet', 'parquet'],
      ['data/train.parquet', 'parquet'],
    ])
    for (const p of parts) expect(p.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(ds.verdict).toBeUndefined()
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
