import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NOTEBOOK_ANALYZER } from '../../../src/core/discovery/analyzers/notebook'
import { assetIdFor } from '../../../src/core/engine/asset-id'
import { createSecretScanner } from '../../../src/core/secrets/index'
import { DISCOVERY_STORES_RULES } from '../../../src/core/rules/discovery-stores-rules'
import { writeHubCache, writeOllamaStore } from '../../fixtures/generators/homes/stores-home'
import {
  codeCell,
  FAKE_KEY,
  fakeSecretScanner,
  notebookJson,
  OLD_KEY,
  riskyNotebook,
  writeNotebook,
} from '../../fixtures/generators/homes/stores-notebooks'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { makeTestContext } from '../../helpers/discovery-context'

const root = mkdtempSync(join(tmpdir(), 'aiscout-nb-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function fileLineOf(path: string, needle: string): number {
  return (
    readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  )
}

/** An OpenAI project key of the documented shape, built at run time. */
function realKey(seed: number): string {
  return KEY_MAKERS['openai-project']!(makeRng(seed * 7919))
}

function setup(name: string) {
  const home = join(root, name)
  const hub = writeHubCache(join(home, '.cache', 'huggingface', 'hub'))
  const t = makeTestContext({ home, platform: 'linux', secrets: fakeSecretScanner })
  return { home, hub, ...t }
}

describe('notebook analyzer', () => {
  it('records kernel, AI libraries and model ids, and links cached HF models', async () => {
    const s = setup('facts')
    const nb = writeNotebook(join(s.home, 'work', 'ft.ipynb'), riskyNotebook())
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const a = s.assets.filter((x) => x.kind === 'notebook')
    expect(a).toHaveLength(1)
    expect(a[0]?.details).toMatchObject({
      kernel: 'python3',
      language: 'python',
      nbformat: 4,
      codeCellCount: 6,
    })
    expect(a[0]?.details?.libraries).toEqual(
      expect.arrayContaining(['torch', 'transformers', 'openai', 'anthropic', 'langchain-openai']),
    )
    expect(a[0]?.details?.libraries).not.toContain('numpy')
    expect(a[0]?.details?.modelIds).toEqual(['acme/tiny-llm'])
    expect(a[0]?.details?.providerModels).toEqual(['claude-3-5-sonnet-20241022', 'gpt-4o'])
    expect(a[0]?.details?.datasetIds).toEqual(['acme/reviews'])
    expect(a[0]?.links).toContainEqual({
      to: assetIdFor('model', s.hub.repo),
      relation: 'references-model',
    })
    expect(a[0]?.links).toContainEqual({
      to: assetIdFor(
        'dataset',
        join(s.home, '.cache', 'huggingface', 'hub', 'datasets--acme--reviews'),
      ),
      relation: 'references-dataset',
    })
  })

  it('links a notebook to the Ollama model it names when that model is in the store', async () => {
    const s = setup('ollama-ref')
    writeOllamaStore(join(s.home, '.ollama', 'models'))
    const nb = writeNotebook(
      join(s.home, 'chat.ipynb'),
      notebookJson([
        codeCell([
          'import ollama',
          "r = ollama.chat(model='llama3:8b', messages=[])",
          "q = ollama.chat(model='not-pulled:1b', messages=[])",
        ]),
      ]),
    )
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const a = s.assets.find((x) => x.kind === 'notebook')
    expect(a?.details?.ollamaModels).toEqual(['llama3:8b', 'not-pulled:1b'])
    expect(a?.links).toEqual([
      {
        to: assetIdFor('model', 'ollama:registry.ollama.ai/library/llama3:8b'),
        relation: 'references-model',
      },
    ])
  })

  it('reports each risky pattern once, with the .ipynb file line', async () => {
    const s = setup('findings')
    const nb = writeNotebook(join(s.home, 'work', 'ft.ipynb'), riskyNotebook())
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const by = (id: string) => s.findings.filter((f) => f.ruleId === id)
    expect(by('notebook.trust-remote-code')).toHaveLength(1)
    expect(by('notebook.trust-remote-code')[0]?.line).toBe(
      fileLineOf(nb, '    trust_remote_code=True,'),
    )
    expect(by('notebook.trust-remote-code')[0]?.message).toMatch(/^Cell 4, line 3:/)
    expect(by('notebook.unsafe-torch-load')).toHaveLength(1)
    expect(by('notebook.unsafe-torch-load')[0]?.line).toBe(
      fileLineOf(nb, "state = torch.load('ckpt.pt')"),
    )
    expect(by('notebook.allow-pickle')).toHaveLength(1)
    expect(by('notebook.pickle-load')).toHaveLength(1)
    expect(by('notebook.pickle-load')[0]?.severity).toBe('high') // the notebook downloads files
    const pip = by('notebook.pip-install-url')
    expect(pip.map((f) => f.severity)).toEqual([undefined, 'high'])
    expect(pip[1]?.line).toBe(fileLineOf(nb, '%pip install http://'))
    const exec = by('notebook.llm-output-exec')
    expect(exec).toHaveLength(1)
    expect(exec[0]?.line).toBe(fileLineOf(nb, '"exec(answer)'))
    const nbId = assetIdFor('notebook', nb)
    const known = new Set(DISCOVERY_STORES_RULES.map((r) => r.id))
    for (const f of s.findings.filter((x) => x.ruleId.startsWith('notebook.'))) {
      expect(f.assetId).toBe(nbId)
      expect(known.has(f.ruleId)).toBe(true)
    }
  })

  it('does not flag safe code', async () => {
    const s = setup('clean')
    const nb = writeNotebook(
      join(s.home, 'clean.ipynb'),
      notebookJson([
        codeCell([
          'import torch',
          "m = torch.load('w.pt', weights_only=True, map_location='cpu')",
          '# model = AutoModel.from_pretrained("x/y", trust_remote_code=True)',
          "exec('print(1)')",
          '!pip install torch==2.6.0',
        ]),
      ]),
    )
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    expect(s.findings).toEqual([])
    expect(s.assets.filter((a) => a.kind === 'notebook')).toHaveLength(1)
  })

  it('emits secret assets and findings shaped like the secrets engine and links them', async () => {
    const s = setup('secrets')
    const nb = writeNotebook(join(s.home, 'keys.ipynb'), riskyNotebook())
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const secrets = s.assets.filter((a) => a.kind === 'secret')
    expect(secrets).toHaveLength(1)
    const line = fileLineOf(nb, FAKE_KEY)
    expect(secrets[0]).toMatchObject({ path: nb, name: 'openai key', source: 'notebook' })
    expect(secrets[0]?.identity).toMatch(
      new RegExp(`^[0-9a-f]{16}@${nb.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}$`),
    )
    expect(secrets[0]?.details).toMatchObject({ provider: 'openai', line, where: 'output' })
    expect(JSON.stringify(s.assets)).not.toContain(FAKE_KEY)
    const f = s.findings.find((x) => x.ruleId === 'secret.openai-api-key')
    expect(f).toMatchObject({ severity: 'high', path: nb, line, assetId: secrets[0]?.id })
    expect(f?.message).not.toContain(FAKE_KEY)
    const notebook = s.assets.find((a) => a.kind === 'notebook')
    expect(notebook?.links).toContainEqual({ to: secrets[0]?.id, relation: 'contains-secret' })
  })

  it('works with the real secrets engine: a key in a code cell becomes a redacted secret asset', async () => {
    const home = join(root, 'real-secrets')
    // Generated at test time: random body in the OpenAI project-key shape, never a real key.
    const key = `sk-proj-${randomBytes(48).toString('base64url').slice(0, 56)}`
    const nb = writeNotebook(
      join(home, 'real.ipynb'),
      notebookJson([codeCell(['import openai', `client = openai.OpenAI(api_key="${key}")`])]),
    )
    const t = makeTestContext({
      home,
      platform: 'linux',
      secrets: createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(7) }),
    })
    await NOTEBOOK_ANALYZER.analyze(nb, t.ctx)
    const secret = t.assets.find((a) => a.kind === 'secret')
    expect(secret?.details).toMatchObject({ provider: 'OpenAI', line: fileLineOf(nb, 'api_key=') })
    expect(JSON.stringify([t.assets, t.findings])).not.toContain(key)
    expect(t.assets.find((a) => a.kind === 'notebook')?.links).toContainEqual({
      to: secret?.id,
      relation: 'contains-secret',
    })
  })

  it.each(['main first', 'checkpoint first'])(
    'does not list .ipynb_checkpoints copies as notebooks (%s)',
    async (order) => {
      const s = setup(`ckpt-${order.replace(' ', '-')}`)
      const nb = writeNotebook(join(s.home, 'p', 'ft.ipynb'), riskyNotebook())
      const cp = writeNotebook(
        join(s.home, 'p', '.ipynb_checkpoints', 'ft-checkpoint.ipynb'),
        riskyNotebook([codeCell([`key = "${OLD_KEY}"`])]),
      )
      const paths = order === 'main first' ? [nb, cp] : [cp, nb]
      for (const p of paths) if (!s.ctx.isClaimed(p)) await NOTEBOOK_ANALYZER.analyze(p, s.ctx)
      const notebooks = s.assets.filter((a) => a.kind === 'notebook')
      expect(notebooks).toHaveLength(1)
      expect(notebooks[0]?.path).toBe(nb)
      expect(notebooks[0]?.details?.checkpoints).toEqual([cp])
      expect(s.findings.filter((f) => f.ruleId === 'notebook.trust-remote-code')).toHaveLength(1)
      // The key in both copies is one secret; the key only the checkpoint still holds is reported there.
      const secrets = s.assets.filter((a) => a.kind === 'secret')
      expect(secrets.map((x) => x.path).sort()).toEqual([cp, nb].sort())
      expect(
        (notebooks[0]?.links ?? []).filter((l) => l.relation === 'contains-secret'),
      ).toHaveLength(2)
    },
  )

  it('reads checkpoints with the real engine: a key deleted from the notebook, kept in a checkpoint output, is reported there and linked', async () => {
    const home = join(root, 'ckpt-real')
    const t = makeTestContext({
      home,
      platform: 'linux',
      secrets: createSecretScanner({ fingerprintKey: randomBytes(32) }),
    })
    const kept = realKey(1)
    const deleted = realKey(2)
    const nb = writeNotebook(
      join(home, 'p', 'chat.ipynb'),
      notebookJson([codeCell([`client = OpenAI(api_key="${kept}")`])]),
    )
    const cp = writeNotebook(
      join(home, 'p', '.ipynb_checkpoints', 'chat-checkpoint.ipynb'),
      notebookJson([
        codeCell(
          [`client = OpenAI(api_key="${kept}")`, 'print(os.environ["OPENAI_API_KEY"])'],
          [{ output_type: 'stream', name: 'stdout', text: [`${deleted}\n`] }],
        ),
      ]),
    )
    await NOTEBOOK_ANALYZER.analyze(nb, t.ctx)
    const notebook = t.assets.find((a) => a.kind === 'notebook')!
    const secrets = t.assets.filter((a) => a.kind === 'secret')
    expect(secrets.map((s) => [s.path, s.details?.where])).toEqual([
      [nb, 'code'],
      [cp, 'output'],
    ])
    expect(secrets[1]!.details?.line).toBe(fileLineOf(cp, deleted.slice(0, 20)))
    expect(
      notebook.links?.filter((l) => l.relation === 'contains-secret').map((l) => l.to),
    ).toEqual(secrets.map((s) => s.id))
    expect(t.claimedFiles.has(cp)).toBe(true)
    const out = JSON.stringify({ assets: t.assets, findings: t.findings })
    expect(out).not.toContain(kept)
    expect(out).not.toContain(deleted)
  })

  it('still reads the checkpoint when the notebook itself is over the size cap', async () => {
    const home = join(root, 'ckpt-big')
    const t = makeTestContext({
      home,
      platform: 'linux',
      secrets: createSecretScanner({ fingerprintKey: randomBytes(32) }),
    })
    const big = join(home, 'p', 'huge.ipynb')
    writeNotebook(big, ' ')
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024 + 1, 0x20))
    const cp = writeNotebook(
      join(home, 'p', '.ipynb_checkpoints', 'huge-checkpoint.ipynb'),
      notebookJson([codeCell([`key = "${realKey(3)}"`])]),
    )
    await NOTEBOOK_ANALYZER.analyze(big, t.ctx)
    expect(t.assets.filter((a) => a.kind === 'secret').map((a) => a.path)).toEqual([cp])
    expect(t.skipped).toContainEqual(expect.objectContaining({ path: big, reason: 'too-large' }))
  })

  it('reports an orphan checkpoint (its notebook deleted) with checkpointOf', async () => {
    const s = setup('orphan')
    const cp = writeNotebook(
      join(s.home, 'p', '.ipynb_checkpoints', 'gone-checkpoint.ipynb'),
      riskyNotebook(),
    )
    await NOTEBOOK_ANALYZER.analyze(cp, s.ctx)
    const a = s.assets.find((x) => x.kind === 'notebook')
    expect(a?.details).toMatchObject({
      checkpointOf: join(s.home, 'p', 'gone.ipynb'),
      orphanCheckpoint: true,
    })
  })

  it('skips oversized notebooks with a reason and survives invalid JSON', async () => {
    const s = setup('bad')
    const big = join(s.home, 'big.ipynb')
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024 + 1, 0x20))
    await NOTEBOOK_ANALYZER.analyze(big, s.ctx)
    expect(s.skipped).toContainEqual(expect.objectContaining({ path: big, reason: 'too-large' }))
    expect(s.assets.some((a) => a.path === big)).toBe(false)
    const broken = writeNotebook(join(s.home, 'broken.ipynb'), '{"cells": [')
    await NOTEBOOK_ANALYZER.analyze(broken, s.ctx)
    expect(s.skipped).toContainEqual(
      expect.objectContaining({ path: broken, reason: 'unreadable' }),
    )
    expect(s.assets.find((a) => a.path === broken)?.details?.parseError).toBeTruthy()
    await expect(
      NOTEBOOK_ANALYZER.analyze(join(s.home, 'missing.ipynb'), s.ctx),
    ).resolves.toBeUndefined()
  })

  it('maps lines in a one-line (minified) notebook and in string-form sources', async () => {
    const s = setup('minified')
    const text = JSON.stringify({
      cells: [
        {
          cell_type: 'code',
          source: 'import torch\nx = torch.load("a.pt")\n',
          outputs: [],
          metadata: {},
        },
      ],
      metadata: {},
      nbformat: 4,
    })
    const nb = writeNotebook(join(s.home, 'min.ipynb'), text)
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const f = s.findings.find((x) => x.ruleId === 'notebook.unsafe-torch-load')
    expect(f?.line).toBe(1)
    expect(f?.message).toMatch(/^Cell 1, line 2:/)
  })

  it('keeps no credential from a pip install URL in the inventory (details or finding)', async () => {
    const s = setup('pip-creds')
    const token = `ghp_${randomBytes(18).toString('hex')}`
    const nb = writeNotebook(
      join(s.home, 'work', 'creds.ipynb'),
      notebookJson([
        codeCell([
          `!pip install git+https://builder:${token}@github.com/acme/tools.git@v1#egg=tools`,
          `%pip install "https://pkgs.example.com/simple/x.whl?api_key=${token}"`,
        ]),
      ]),
    )
    await NOTEBOOK_ANALYZER.analyze(nb, s.ctx)
    const stored = JSON.stringify({ assets: s.assets, findings: s.findings })
    expect(stored).not.toContain(token)
    const urls = s.assets.find((a) => a.kind === 'notebook')?.details?.pipInstallUrls
    expect(urls).toEqual([
      'git+https://redacted:redacted@github.com/acme/tools.git@v1',
      'https://pkgs.example.com/simple/x.whl?api_key=redacted',
    ])
    expect(s.findings.filter((f) => f.ruleId === 'notebook.pip-install-url')).toHaveLength(2)
  })
})
