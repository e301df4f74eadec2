import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASSET_KINDS } from '../../src/core/types'
import { makeFakeHome, maliciousPickle, write } from '../fixtures/generators/fake-home'
import { buildStoresHome } from '../fixtures/generators/homes/stores-home'
import { truncatedGgufBytes } from '../fixtures/generators/homes/stores-files'
import { makePlatformHome, makePythonHome } from '../fixtures/generators/homes/system-home'
import { buildAgentsHome } from '../fixtures/generators/homes/tools-agents-home'
import { buildAppsHome } from '../fixtures/generators/homes/tools-apps-home'
import { buildMcpHome } from '../fixtures/generators/homes/tools-mcp-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')

type Out = {
  assets: {
    id: string
    kind: string
    path: string
    source?: string
    verdict?: string
    links: { to: string }[]
  }[]
  findings: { ruleId: string; path: string; assetId?: string }[]
}

/**
 * One Linux-layout home with every area's planted assets (stores, notebooks, keys, tools, apps,
 * extensions, MCP configs, agent configs, Python envs, AI platforms) plus decoys, scanned by the
 * real CLI in a child process.
 */
describe('aiscout scan on a complete fake home', () => {
  const work = mkdtempSync(join(tmpdir(), 'aiscout-e2e-'))
  const home = join(work, 'home')
  const parts: string[] = []
  let out: Out
  let marker: string
  let planted: readonly string[]
  let agentKeys: Readonly<Record<string, string>>
  let hfModelRepos: readonly string[]
  let looseCopy: string
  let identityFingerprint: string

  beforeAll(() => {
    const stores = buildStoresHome('linux')
    const apps = buildAppsHome('linux')
    const mcp = buildMcpHome('linux')
    const agents = buildAgentsHome('linux')
    const py = makePythonHome('linux')
    const platforms = makePlatformHome('linux')
    const basic = makeFakeHome()
    for (const h of [
      stores.home,
      apps.home,
      mcp.home,
      agents.home,
      py.home,
      platforms.home,
      basic.home,
    ]) {
      cpSync(h, home, {
        recursive: true,
        verbatimSymlinks: true,
        force: false,
        errorOnExist: false,
      })
      parts.push(h)
    }
    // Decoys: models inside node_modules, a truncated GGUF outside any store.
    write(join(home, 'web', 'node_modules', 'pkg', 'evil.pkl'), maliciousPickle())
    write(join(home, 'Downloads', 'broken.gguf'), truncatedGgufBytes())
    marker = apps.marker
    planted = [
      ...mcp.plantedValues,
      basic.key,
      agents.github,
      agents.linear,
      stores.identityKey.body.slice(20, 80),
      stores.identityKey.body.slice(-80, -20),
    ]
    agentKeys = mcp.agentKeys
    hfModelRepos = stores.hf.modelRepos
    looseCopy = stores.looseCopy.replace(stores.home, home)
    identityFingerprint = stores.identityKey.fingerprint
    const PATH = (apps.env.PATH ?? '')
      .split(':')
      .map((p) => p.replace(apps.home, home))
      .join(':')
    const r = spawnSync(
      process.execPath,
      [CLI, 'scan', '--home', home, '--db', join(work, 'e2e.db'), '--format', 'json', '--quiet'],
      {
        encoding: 'utf8',
        env: { PATH, HOME: home, NO_COLOR: '1' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(1)
    out = JSON.parse(r.stdout)
  })
  afterAll(() => {
    rmSync(work, { recursive: true, force: true })
    for (const p of parts) rmSync(p, { recursive: true, force: true })
  })

  it('writes JSON that validates against the published schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(ROOT, 'resources/schemas/scan-output.schema.json'), 'utf8')),
    )
    expect(validate(out), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true)
  })

  it('finds every kind of AI asset', () => {
    const kinds = new Set(out.assets.map((a) => a.kind))
    // Every kind except model-server: nothing listens on this test machine's AI ports.
    for (const k of ASSET_KINDS.filter((k) => k !== 'model-server')) {
      expect(kinds, k).toContain(k)
    }
  })

  it('lists each asset once: ids are unique and a Hugging Face repo is one asset however many snapshot links it has', () => {
    const ids = out.assets.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
    // One asset per file, except where a file holds several (MCP servers of one config, keys).
    const several = new Set(['secret', 'package', 'compute', 'mcp-server', 'agent-config'])
    const paths = out.assets.filter((a) => !several.has(a.kind)).map((a) => `${a.kind}:${a.path}`)
    expect(new Set(paths).size).toBe(paths.length)
    const snapshotPaths = out.assets.filter((a) => a.path.includes('/snapshots/'))
    expect(snapshotPaths).toEqual([])
    const checkpoints = out.assets.filter(
      (a) => a.kind === 'notebook' && a.path.includes('.ipynb_checkpoints'),
    )
    expect(checkpoints.length).toBeLessThanOrEqual(1) // only an orphaned checkpoint is listed
  })

  it('counts models the way users do: one model asset per cached Hugging Face model, its files as parts', () => {
    const hf = out.assets.filter((a) => a.kind === 'model' && a.source === 'huggingface-cache')
    expect(hf.map((a) => (a as { name?: string }).name).sort()).toEqual([...hfModelRepos].sort())
    // A loose copy of a one-file model's weights is its own model, linked to the repo as the same weights.
    const copy = out.assets.find((a) => a.path === looseCopy)!
    const tiny = hf.find((a) => (a as { name?: string }).name === 'acme/tiny-llm')!
    expect(copy.links).toContainEqual({ to: tiny.id, relation: 'same-weights' })
    // The malicious VAE pickle of the pipeline repo is reported on the repo's asset.
    const sd = hf.find((a) => (a as { name?: string }).name === 'acme/sd-tiny')!
    expect(sd.verdict).toBe('malicious')
    expect(
      out.findings.some(
        (f) => f.assetId === sd.id && f.path.endsWith('vae/diffusion_pytorch_model.bin'),
      ),
    ).toBe(true)
  })

  it('lists nothing from node_modules and no decoy as a model; a truncated GGUF is an invalid-file finding', () => {
    // Global npm CLIs live in node_modules and are tools; nothing else comes from there.
    expect(
      out.assets.filter((a) => a.path.includes('/node_modules/') && a.kind !== 'tool'),
    ).toEqual([])
    expect(out.findings.some((f) => f.path.includes('/web/node_modules/'))).toBe(false)
    expect(out.assets.some((a) => a.path.endsWith('broken.gguf'))).toBe(false)
    expect(
      out.findings.some(
        (f) => f.path.endsWith('broken.gguf') && f.ruleId === 'gguf.invalid-header',
      ),
    ).toBe(true)
    expect(
      out.assets.some((a) => a.path.endsWith('readme.pt') || a.path.endsWith('blob.bin')),
    ).toBe(false)
  })

  it('executes no binary (the planted CLIs write a marker when run) and stores no planted secret', () => {
    expect(existsSync(marker)).toBe(false)
    const text = JSON.stringify(out)
    for (const v of planted) expect(text).not.toContain(v)
    for (const f of readdirSync(work).filter((n) => n.startsWith('e2e.db'))) {
      const bytes = readFileSync(join(work, f))
      for (const v of planted)
        expect(bytes.includes(Buffer.from(v)), `${f} holds a planted value`).toBe(false)
    }
  })

  it('reports credentials handed to agents and the Ollama identity key as key assets, linked', () => {
    const byId = new Map(out.assets.map((a) => [a.id, a]))
    const secretsOf = (name: string) =>
      out.assets
        .filter((a) => a.kind === 'mcp-server' && (a as { name?: string }).name === name)
        .flatMap((a) => a.links.map((l) => byId.get(l.to)))
    expect(Object.keys(agentKeys).length).toBe(4)
    const handed: readonly (readonly [string, string])[] = [
      ['gh-agent', 'GitHub'],
      ['pg-agent', 'PostgreSQL'],
      ['web-search', 'Brave Search'],
      ['slack-remote', 'Slack'],
    ]
    for (const [server, provider] of handed)
      expect(
        secretsOf(server).map((s) => (s as { provider?: string } | undefined)?.provider),
        server,
      ).toEqual([provider])
    const idKey = out.assets.find(
      (a) => a.kind === 'secret' && a.path.endsWith('/.ollama/id_ed25519'),
    )
    expect((idKey as { details?: Record<string, unknown> } | undefined)?.details).toMatchObject({
      provider: 'Ollama',
      publicKeyFingerprint: identityFingerprint,
    })
    expect(
      out.findings
        .filter((f) => f.assetId === idKey?.id)
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual(['posture.key-file-permissions', 'secret.identity-key'])
    expect(out.assets.some((a) => a.path.endsWith('id_ed25519.pub'))).toBe(false)
  })

  it('links point at stored assets', () => {
    const ids = new Set(out.assets.map((a) => a.id))
    const dangling = out.assets.flatMap((a) =>
      a.links.filter((l) => !ids.has(l.to)).map((l) => `${a.kind}:${a.path} -> ${l.to}`),
    )
    expect(dangling).toEqual([])
    expect(out.findings.filter((f) => f.assetId && !ids.has(f.assetId))).toEqual([])
  })
})
