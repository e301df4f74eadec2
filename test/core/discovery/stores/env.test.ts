import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandValue, resolveEnv } from '../../../../src/core/discovery/env'
import { STORE_LOCATORS } from '../../../../src/core/discovery/stores'
import { HUGGINGFACE_LOCATOR } from '../../../../src/core/discovery/stores/huggingface'
import { OLLAMA_LOCATOR } from '../../../../src/core/discovery/stores/ollama'
import {
  benignPickleBytes,
  ggufBytes,
  hdf5Bytes,
  put,
} from '../../../fixtures/generators/homes/stores-files'
import { writeHubCache, writeOllamaStore } from '../../../fixtures/generators/homes/stores-home'
import { makeTestContext } from '../../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-env-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('resolveEnv', () => {
  it('reads exports from bash, zsh and fish rc files and expands $HOME, ~ and ${VAR}', async () => {
    const home = join(root, 'h1')
    put(
      join(home, '.bashrc'),
      'export OLLAMA_MODELS="$HOME/ollama-models"  # comment\nOPENAI_API_KEY=sk-not-copied\n',
    )
    put(
      join(home, '.zshrc'),
      "export HF_HOME=~/hf\nexport HF_HUB_CACHE=${HF_HOME}/hub\nexport TORCH_HOME='$HOME/literal'\n",
    )
    put(
      join(home, '.zshenv'),
      'LLAMA_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/llama\nexport KERAS_HOME=$(pwd)/k\n',
    )
    put(
      join(home, '.config', 'fish', 'config.fish'),
      'set -gx CODEX_HOME $HOME/codex\nset -g LLM_USER_PATH /not/exported\nset -Ux XDG_CONFIG_HOME ~/cfg\n',
    )
    const env = await resolveEnv(home, {})
    expect(env.OLLAMA_MODELS).toBe(join(home, 'ollama-models'))
    expect(env.HF_HOME).toBe(join(home, 'hf'))
    expect(env.HF_HUB_CACHE).toBe(join(home, 'hf', 'hub'))
    expect(env.TORCH_HOME).toBe('$HOME/literal')
    expect(env.LLAMA_CACHE).toBe(join(home, '.cache', 'llama'))
    expect(env.CODEX_HOME).toBe(join(home, 'codex'))
    expect(env.XDG_CONFIG_HOME).toBe(join(home, 'cfg'))
    // Command substitutions are never run; non-exported fish vars and keys are not copied.
    expect(env.KERAS_HOME).toBeUndefined()
    expect(env.LLM_USER_PATH).toBeUndefined()
    expect(env.OPENAI_API_KEY).toBeUndefined()
  })

  it('lets the process env win over rc files and tolerates missing or huge rc files', async () => {
    const home = join(root, 'h2')
    put(join(home, '.profile'), 'export HF_HOME=$HOME/from-rc\nexport OLLAMA_MODELS=$HOME/o\n')
    put(join(home, '.bashrc'), 'x'.repeat(300 * 1024))
    const env = await resolveEnv(home, { HF_HOME: '/proc-env/hf', PATH: '/usr/bin' })
    expect(env.HF_HOME).toBe('/proc-env/hf')
    expect(env.OLLAMA_MODELS).toBe(join(home, 'o'))
    expect(env.PATH).toBe('/usr/bin')
    expect(await resolveEnv(join(root, 'nope'), { A: '1' })).toEqual({ A: '1' })
  })

  it('expands ${VAR:-default} from earlier values', () => {
    expect(expandValue('${A:-x}/y', '/h', () => undefined)).toBe('x/y')
    expect(expandValue('${A:-x}/y', '/h', () => '/a')).toBe('/a/y')
    expect(expandValue('`id`', '/h', () => undefined)).toBeUndefined()
  })
})

describe('store locations follow env overrides', () => {
  it('uses OLLAMA_MODELS and HF_HUB_CACHE from an rc file', async () => {
    const home = join(root, 'h3')
    writeOllamaStore(join(home, 'big-disk', 'ollama'))
    writeHubCache(join(home, 'big-disk', 'hf-hub'))
    put(
      join(home, '.zshrc'),
      'export OLLAMA_MODELS=$HOME/big-disk/ollama\nexport HF_HUB_CACHE=$HOME/big-disk/hf-hub\n',
    )
    const env = await resolveEnv(home, {})
    const t = makeTestContext({ home, platform: 'darwin', env })
    await OLLAMA_LOCATOR.locate(t.ctx)
    await HUGGINGFACE_LOCATOR.locate(t.ctx)
    expect(
      t.assets
        .find((a) => a.name === 'llama3:8b')
        ?.path.startsWith(join(home, 'big-disk', 'ollama')),
    ).toBe(true)
    expect(t.assets.find((a) => a.name === 'acme/tiny-llm')?.path).toBe(
      join(home, 'big-disk', 'hf-hub', 'models--acme--tiny-llm'),
    )
  })

  it('uses HF_HOME from the process env, and ignores overrides outside a --home that is not the own home', async () => {
    const home = join(root, 'h4')
    writeHubCache(join(home, 'hfhome', 'hub'))
    const outside = join(root, 'outside')
    writeOllamaStore(join(outside, 'ollama'))
    const t = makeTestContext({
      home,
      platform: 'linux',
      env: {
        HF_HOME: join(home, 'hfhome'),
        OLLAMA_MODELS: join(outside, 'ollama'),
        HOME: '/someone/else',
      },
    })
    await OLLAMA_LOCATOR.locate(t.ctx)
    await HUGGINGFACE_LOCATOR.locate(t.ctx)
    expect(t.assets.some((a) => a.name === 'acme/tiny-llm')).toBe(true)
    expect(t.assets.some((a) => a.source === 'ollama')).toBe(false)
    const own = makeTestContext({
      home,
      platform: 'linux',
      env: { OLLAMA_MODELS: join(outside, 'ollama'), HOME: home },
    })
    await OLLAMA_LOCATOR.locate(own.ctx)
    expect(own.assets.some((a) => a.name === 'llama3:8b')).toBe(true)
  })
})

describe('more overrides', () => {
  it('honours TORCH_HOME, KERAS_HOME, HF_DATASETS_CACHE and XDG_CACHE_HOME inside the home', async () => {
    const home = join(root, 'h5')
    const torch = put(join(home, 'ml', 'torch', 'hub', 'checkpoints', 'r.pth'), benignPickleBytes())
    const keras = put(join(home, 'ml', 'keras', 'models', 'k.h5'), hdf5Bytes())
    put(join(home, 'ml', 'ds', 'acme___set', 'default', 'x.arrow'), 'ARROW1')
    const gpt = put(join(home, 'xdg-cache', 'gpt4all', 'g.gguf'), ggufBytes('g'))
    const t = makeTestContext({
      home,
      platform: 'linux',
      env: {
        TORCH_HOME: join(home, 'ml', 'torch'),
        KERAS_HOME: '~/ml/keras',
        HF_DATASETS_CACHE: join(home, 'ml', 'ds'),
        XDG_CACHE_HOME: join(home, 'xdg-cache'),
      },
    })
    for (const l of STORE_LOCATORS) await l.locate(t.ctx)
    const sources = (p: string) => t.assets.filter((a) => a.path === p).map((a) => a.source)
    expect(sources(torch)).toEqual(['torch-hub'])
    expect(sources(keras)).toEqual(['keras'])
    expect(sources(gpt)).toEqual(['gpt4all'])
    expect(t.assets.find((a) => a.kind === 'dataset')?.name).toBe('acme/set')
  })
})
