import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { STORES_ANALYZERS } from '../../../../src/core/discovery/stores/analyzers'
import { EXTRA_MODEL_PATHS_ANALYZER } from '../../../../src/core/discovery/stores/extra-model-paths'
import { LLAMA_CPP_LOCATOR } from '../../../../src/core/discovery/stores/llama-cpp'
import { HUGGINGFACE_LOCATOR } from '../../../../src/core/discovery/stores/huggingface'
import { MODEL_FOLDER_TEMPLATES_ANALYZER } from '../../../../src/core/discovery/stores/model-folder-templates'
import {
  ggufBytes,
  json,
  put,
  safetensorsBytes,
  sha256,
} from '../../../fixtures/generators/homes/stores-files'
import { COMMIT_A, writeHubCache } from '../../../fixtures/generators/homes/stores-home'
import { makeTestContext } from '../../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-stores-y-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('store analyzers', () => {
  it('registers the adapter, template and extra_model_paths analyzers by exact name', () => {
    const names = STORES_ANALYZERS.flatMap((a) => a.names ?? [])
    expect(names).toEqual(
      expect.arrayContaining([
        'adapter_config.json',
        'tokenizer_config.json',
        'chat_template.jinja',
        'extra_model_paths.yaml',
      ]),
    )
  })

  it('sends chat templates to the model scanner only when they sit in a model folder', async () => {
    const home = join(root, 'tpl')
    const inModel = put(
      join(home, 'm', 'tokenizer_config.json'),
      JSON.stringify({ chat_template: '{{ messages }}' }),
    )
    put(join(home, 'm', 'config.json'), '{}')
    const loose = put(join(home, 'notes', 'chat_template.jinja'), '{{ x }}')
    const t = makeTestContext({ home, platform: 'linux' })
    await MODEL_FOLDER_TEMPLATES_ANALYZER.analyze(inModel, t.ctx)
    await MODEL_FOLDER_TEMPLATES_ANALYZER.analyze(loose, t.ctx)
    expect(t.assets.map((a) => a.path)).toEqual([inModel])
    expect(t.assets[0]?.details?.role).toBe('chat-template')
  })

  it('follows an extra_model_paths.yaml found by the crawl', async () => {
    const home = join(root, 'extra')
    const model = put(join(home, 'disk', 'sd', 'loras', 'x.safetensors'), safetensorsBytes())
    const yaml = put(
      join(home, 'apps', 'ComfyUI', 'extra_model_paths.yaml'),
      'comfyui:\n  base_path: ../../disk/sd\n  is_default: true\n  loras: loras/\n',
    )
    const t = makeTestContext({ home, platform: 'win32' })
    await EXTRA_MODEL_PATHS_ANALYZER.analyze(yaml, t.ctx)
    const a = t.assets.find((x) => x.path === model)
    expect(a?.source).toBe('comfyui')
    expect(a?.details).toMatchObject({ category: 'loras', extraModelPathsGroup: 'comfyui' })
  })
})

describe('Hugging Face cache without symlinks (Windows copy mode)', () => {
  it('scans copied snapshot files once each and still gives one repo asset', async () => {
    const home = join(root, 'copies')
    const repo = join(home, '.cache', 'huggingface', 'hub', 'models--acme--copied')
    const w = safetensorsBytes()
    const file = put(join(repo, 'snapshots', COMMIT_A, 'model.safetensors'), w)
    json(join(repo, 'snapshots', COMMIT_A, 'config.json'), { model_type: 'bert' })
    put(join(repo, 'refs', 'main'), COMMIT_A)
    const t = makeTestContext({ home, platform: 'win32' })
    await HUGGINGFACE_LOCATOR.locate(t.ctx)
    const repos = t.assets.filter((a) => a.name === 'acme/copied')
    expect(repos).toHaveLength(1)
    expect(t.assets).toHaveLength(1)
    // The copied file is the repo's one part (no blob behind it), scanned and hashed.
    expect(repos[0]?.sha256).toBe(sha256(w))
    expect(repos[0]?.details?.parts).toEqual([
      expect.objectContaining({ name: 'model.safetensors', path: file, sha256: sha256(w) }),
    ])
    expect((repos[0]?.details?.parts as object[])[0]).not.toHaveProperty('blob')
    expect(t.claimedFiles.has(file)).toBe(true)
  })
})

describe('llama.cpp cache', () => {
  it('reads both the flat files and a hub-layout part, honouring LLAMA_CACHE', async () => {
    const home = join(root, 'llama')
    const cache = join(home, 'models-cache')
    const flat = put(join(cache, 'org_repo_file.gguf'), ggufBytes('flat'))
    const hf = writeHubCache(cache)
    const t = makeTestContext({ home, platform: 'darwin', env: { LLAMA_CACHE: cache } })
    await LLAMA_CPP_LOCATOR.locate(t.ctx)
    expect(t.assets.find((a) => a.path === flat)?.source).toBe('llama-cpp')
    expect(t.assets.filter((a) => a.path === hf.repo)).toHaveLength(1)
    expect(t.claimedDirs.has(cache)).toBe(true)
  })
})
