import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { STORES_ANALYZERS } from '../../../../src/core/discovery/stores/analyzers'
import { STORE_LOCATORS } from '../../../../src/core/discovery/stores'
import { HUGGINGFACE_LOCATOR } from '../../../../src/core/discovery/stores/huggingface'
import { OLLAMA_LOCATOR } from '../../../../src/core/discovery/stores/ollama'
import { PEFT_ADAPTER_ANALYZER } from '../../../../src/core/discovery/stores/peft-adapter'
import type { Platform } from '../../../../src/core/discovery/types'
import { assetIdFor } from '../../../../src/core/engine/asset-id'
import { json, link, put, safetensorsBytes } from '../../../fixtures/generators/homes/stores-files'
import {
  COMMIT_A,
  writeHubCache,
  writeOllamaStore,
} from '../../../fixtures/generators/homes/stores-home'
import { makeTestContext } from '../../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-stores-x-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('PEFT adapters', () => {
  it('adds the adapter weights with baseModel and links the cached base model', async () => {
    const home = join(root, 'peft')
    const hf = writeHubCache(join(home, '.cache', 'huggingface', 'hub'))
    const dir = join(home, 'runs', 'lora-1')
    const cfg = json(join(dir, 'adapter_config.json'), {
      peft_type: 'LORA',
      base_model_name_or_path: 'acme/tiny-llm',
      r: 8,
      lora_alpha: 16,
      target_modules: ['q_proj', 'v_proj'],
      task_type: 'CAUSAL_LM',
    })
    const weights = put(join(dir, 'adapter_model.safetensors'), safetensorsBytes())
    const t = makeTestContext({ home, platform: 'linux' })
    await PEFT_ADAPTER_ANALYZER.analyze(cfg, t.ctx)
    const a = t.assets.find((x) => x.path === weights)
    expect(a?.kind).toBe('model')
    expect(a?.details).toMatchObject({
      adapter: 'LORA',
      baseModel: 'acme/tiny-llm',
      rank: 8,
      loraAlpha: 16,
    })
    expect(a?.links).toEqual([{ to: assetIdFor('model', hf.repo), relation: 'adapter-of' }])
    expect(t.claimedFiles.has(weights)).toBe(true)
  })

  it('lists an adapter without weights or base model, and reports malformed configs', async () => {
    const home = join(root, 'peft2')
    const cfg = json(join(home, 'a', 'adapter_config.json'), { peft_type: 'LORA' })
    const bad = put(join(home, 'b', 'adapter_config.json'), '{nope')
    const t = makeTestContext({ home, platform: 'darwin' })
    await PEFT_ADAPTER_ANALYZER.analyze(cfg, t.ctx)
    await PEFT_ADAPTER_ANALYZER.analyze(bad, t.ctx)
    expect(t.assets.find((x) => x.path === join(home, 'a'))?.details).toMatchObject({
      missingWeights: true,
    })
    expect(t.findings.map((f) => f.ruleId).sort()).toEqual([
      'store.adapter-unknown-base',
      'store.bad-manifest',
    ])
  })

  it('records an adapter repo in the HF cache with its base model link', async () => {
    const home = join(root, 'peft3')
    const hub = join(home, '.cache', 'huggingface', 'hub')
    const hf = writeHubCache(hub)
    const repo = join(hub, 'models--me--tiny-lora')
    const cfgBlob = put(
      join(repo, 'blobs', 'e'.repeat(40)),
      JSON.stringify({ peft_type: 'LORA', base_model_name_or_path: 'acme/tiny-llm' }),
    )
    link(join(repo, 'snapshots', COMMIT_A, 'adapter_config.json'), cfgBlob)
    put(join(repo, 'refs', 'main'), COMMIT_A)
    const t = makeTestContext({ home, platform: 'linux' })
    await HUGGINGFACE_LOCATOR.locate(t.ctx)
    const a = t.assets.find((x) => x.name === 'me/tiny-lora')
    expect(a?.details).toMatchObject({ adapter: 'LORA', baseModel: 'acme/tiny-llm' })
    expect(a?.links).toContainEqual({ to: assetIdFor('model', hf.repo), relation: 'adapter-of' })
  })
})

describe('digest verification', () => {
  it('flags an HF blob whose content no longer matches its name, only when verification is on', async () => {
    const home = join(root, 'verify')
    const hf = writeHubCache(join(home, '.cache', 'huggingface', 'hub'))
    writeFileSync(hf.weightsBlob, safetensorsBytes('tampered'))
    const off = makeTestContext({ home, platform: 'linux' })
    await HUGGINGFACE_LOCATOR.locate(off.ctx)
    expect(off.findings.some((f) => f.ruleId === 'store.hf-blob-tampered')).toBe(false)
    const on = makeTestContext({ home, platform: 'linux' })
    await HUGGINGFACE_LOCATOR.locate({ ...on.ctx, verifyDigests: true })
    const f = on.findings.filter((x) => x.ruleId === 'store.hf-blob-tampered')
    expect(f).toHaveLength(1)
    expect(f[0]?.path).toBe(hf.weightsBlob)
    // The repo's part carries the digest its bytes have now, and the finding is the repo's.
    const repo = on.assets.find((a) => a.path === hf.repo)!
    expect(f[0]?.assetId).toBe(repo.id)
    const part = (repo.details?.parts as { name: string; sha256: string }[]).find(
      (p) => p.name === 'model.safetensors',
    )
    expect(part?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(part?.sha256).not.toBe(hf.weightsSha)
    expect(off.assets.find((a) => a.path === hf.repo)?.sha256).toBe(hf.weightsSha)
  })

  it('flags an Ollama blob whose size differs from the manifest', async () => {
    const home = join(root, 'ollama-size')
    const o = writeOllamaStore(join(home, '.ollama', 'models'))
    writeFileSync(join(home, '.ollama', 'models', 'blobs', `sha256-${o.good}`), Buffer.alloc(3))
    const t = makeTestContext({ home, platform: 'linux' })
    await OLLAMA_LOCATOR.locate(t.ctx)
    expect(t.findings.some((f) => f.ruleId === 'store.ollama-blob-tampered')).toBe(true)
  })

  it('reports a snapshot link to a missing blob', async () => {
    const home = join(root, 'broken-link')
    const hub = join(home, '.cache', 'huggingface', 'hub')
    link(
      join(hub, 'models--x--y', 'snapshots', COMMIT_A, 'model.safetensors'),
      join(hub, 'models--x--y', 'blobs', 'f'.repeat(64)),
    )
    const t = makeTestContext({ home, platform: 'linux' })
    await HUGGINGFACE_LOCATOR.locate(t.ctx)
    expect(t.findings.map((f) => f.ruleId)).toEqual(['store.hf-broken-link'])
    expect(t.assets.filter((a) => a.name === 'x/y')).toHaveLength(1)
  })
})

describe('robustness', () => {
  it.each<Platform>(['linux', 'darwin', 'win32'])(
    'never throws on a hostile %s home',
    async (platform) => {
      const home = join(root, `hostile-${platform}`)
      // Files where directories are expected, malformed manifests/YAML, a self-loop symlink, an unreadable dir.
      put(join(home, '.lmstudio', 'models'), 'not a dir')
      put(
        join(
          home,
          '.ollama',
          'models',
          'manifests',
          'registry.ollama.ai',
          'library',
          'x',
          'latest',
        ),
        '\u0000\u0001garbage',
      )
      put(join(home, '.cache', 'huggingface', 'hub', 'models--a--b', 'refs', 'main'), 'zz')
      mkdirSync(
        join(home, '.cache', 'huggingface', 'hub', 'models--a--b', 'snapshots', 'deadbeef'),
        { recursive: true },
      )
      link(
        join(home, '.cache', 'huggingface', 'hub', 'models--a--b', 'snapshots', 'deadbeef', 'loop'),
        join(home, '.cache', 'huggingface', 'hub', 'models--a--b', 'snapshots', 'deadbeef', 'loop'),
      )
      put(join(home, 'ComfyUI', 'models', 'x.txt'), 'x')
      put(join(home, 'ComfyUI', 'extra_model_paths.yaml'), 'a: [unclosed')
      put(join(home, 'LocalAI', 'models', 'm.yaml'), ': : :\n\t- bad')
      const locked = join(home, '.keras', 'models')
      put(join(locked, 'm.h5'), 'x')
      chmodSync(locked, 0o000)
      const t = makeTestContext({
        home,
        platform,
        env: { OLLAMA_MODELS: '', HF_HOME: 'relative/path' },
      })
      try {
        for (const l of STORE_LOCATORS) await expect(l.locate(t.ctx)).resolves.toBeUndefined()
        for (const a of STORES_ANALYZERS)
          await expect(
            a.analyze(join(home, 'ComfyUI', 'extra_model_paths.yaml'), t.ctx),
          ).resolves.toBeUndefined()
      } finally {
        chmodSync(locked, 0o755)
      }
      expect(t.findings.some((f) => f.ruleId === 'store.bad-manifest')).toBe(true)
    },
  )
})
