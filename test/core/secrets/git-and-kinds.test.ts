import { describe, expect, it } from 'vitest'
import {
  compileIgnore,
  createSecretScanner,
  fingerprint,
  isIgnored,
  parseGitIndex,
  redact,
  scanEnvironment,
  secretFileKind,
  secretNameInterest,
} from '../../../src/core/secrets'
import { writeGitIndex } from '../../fixtures/generators/secrets/git-index'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { KEY } from './helpers'

describe('git index reader (DIRC)', () => {
  const paths = ['a/b/c.txt', 'a/b/d.txt', 'a/bb.txt', 'z.env', `deep/${'x'.repeat(5000)}.txt`]
  for (const v of [2, 3, 4] as const) {
    it(`reads every path of a v${v} index`, () => {
      const r = parseGitIndex(writeGitIndex(paths, v))
      expect(r.ok).toBe(true)
      if (r.ok) expect([...r.paths].sort()).toEqual([...paths].sort())
    })
  }
  it('rejects a bad signature, an unknown version and a truncated file without throwing', () => {
    expect(parseGitIndex(Buffer.from('NOPE')).ok).toBe(false)
    const buf = writeGitIndex(paths, 2)
    const v9 = Buffer.from(buf)
    v9.writeUInt32BE(9, 4)
    expect(parseGitIndex(v9).ok).toBe(false)
    expect(parseGitIndex(buf.subarray(0, 40)).ok).toBe(false)
  })
})

describe('gitignore matcher', () => {
  const pats = [
    ...compileIgnore({
      base: '',
      text: '# c\n.env\n*.log\n!keep.log\n/build\nsecret/\ndocs/**/*.key\n',
    }),
    ...compileIgnore({ base: 'svc', text: '/local.cfg\n' }),
  ]
  const cases: [string, boolean][] = [
    ['.env', true],
    ['svc/api/.env', true],
    ['x/app.log', true],
    ['x/keep.log', false],
    ['build', true],
    ['build/out.js', true],
    ['src/build', false],
    ['secret/a.txt', true],
    ['a/secret/b.txt', true],
    ['docs/a/b/c.key', true],
    ['other/c.key', false],
    ['svc/local.cfg', true],
    ['local.cfg', false],
    ['svc/x/local.cfg', false],
    ['.env.local', false],
  ]
  for (const [p, want] of cases)
    it(`${p} -> ${want ? 'ignored' : 'not ignored'}`, () => expect(isIgnored(pats, p)).toBe(want))
  it('a file inside an ignored directory cannot be re-included', () => {
    const p = compileIgnore({ base: '', text: 'logs/\n!logs/keep.txt\n' })
    expect(isIgnored(p, 'logs/keep.txt')).toBe(true)
  })
})

describe('secretFileKind', () => {
  const home = '/home/u'
  const cases: [string, string | undefined][] = [
    ['/home/u/.bash_history', 'shell-history'],
    ['/home/u/.zsh_history', 'shell-history'],
    ['/home/u/.local/share/fish/fish_history', 'shell-history'],
    ['/home/u/.zshrc', 'shell-rc'],
    ['/home/u/.config/fish/config.fish', 'shell-rc'],
    ['/home/u/.netrc', 'netrc'],
    ['/home/u/.aws/credentials', 'aws-credentials'],
    ['/home/u/.cache/huggingface/token', 'hf-token'],
    ['/home/u/.claude/.credentials.json', 'tool-credentials'],
    ['/home/u/.codex/auth.json', 'tool-credentials'],
    ['/home/u/.config/io.datasette.llm/keys.json', 'tool-credentials'],
    ['/home/u/.config/github-copilot/apps.json', 'tool-credentials'],
    ['/home/u/.config/goose/secrets.yaml', 'tool-credentials'],
    ['/home/u/p/.env', 'dotenv'],
    ['/home/u/p/.env.local', 'dotenv'],
    ['/home/u/p/config.yml', 'yaml'],
    ['/home/u/p/pyproject.toml', 'toml'],
    ['/home/u/p/.mcp.json', 'json'],
    ['/home/u/p/a.ipynb', 'notebook'],
    ['/home/u/p/main.py', 'source'],
    ['/home/u/p/notes.md', 'text'],
    ['/home/u/p/package-lock.json', undefined],
    ['/home/u/p/yarn.lock', undefined],
    ['/home/u/p/pnpm-lock.yaml', undefined],
    ['/home/u/p/poetry.lock', undefined],
    ['/home/u/p/Cargo.lock', undefined],
    ['/home/u/p/dist/app.min.js', undefined],
    ['/home/u/p/dist/app.js.map', undefined],
    ['/home/u/p/node_modules/openai/index.js', undefined],
    ['/home/u/.venv/lib/python3.12/site-packages/x/conf.py', undefined],
    ['/home/u/p/.git/config', undefined],
    ['/home/u/p/model.safetensors', undefined],
    ['/home/u/p/README', undefined],
    ['C:\\Users\\u\\p\\.env', 'dotenv'],
  ]
  for (const [p, want] of cases)
    it(`${p} -> ${want}`, () => expect(secretFileKind(p, home)).toBe(want))

  // The crawl's side readers send on only the files whose names pass this filter: every file
  // secretFileKind gives a kind to must pass it, in any case of its name.
  it('lets through every name it gives a kind to (the side readers filter with it)', () => {
    const passes = (interest: ReturnType<typeof secretNameInterest>, path: string): boolean => {
      const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
      const lower = name.toLowerCase()
      const dot = lower.lastIndexOf('.')
      return (
        interest.lowerNames.includes(lower) ||
        interest.lowerPrefixes.some((x) => lower.startsWith(x)) ||
        dot <= 0 || // names without an extension are all model candidates
        interest.extensions.includes(lower.slice(dot))
      )
    }
    const extra = [
      '/home/u/p/prod.env',
      '/home/u/p/.ENV.Production',
      '/home/u/.aws/config',
      '/home/u/.cache/huggingface/stored_tokens',
      '/home/u/.config/gcloud/application_default_credentials.json',
      '/home/u/.aider.conf.yml',
      '/home/u/p/Dockerfile',
      '/home/u/p/MAKEFILE',
      '/home/u/p/settings.JSONC',
      '/home/u/p/setup.cfg',
      '/home/u/p/app.properties',
      '/home/u/p/run.sh',
      '/home/u/_netrc',
      '/home/u/.netrc.gpg',
    ]
    let checked = 0
    for (const path of [...cases.map(([p]) => p), ...extra]) {
      const kind = secretFileKind(path, home)
      if (kind === undefined) continue
      checked++
      expect(passes(secretNameInterest(true), path), path).toBe(true)
      if (kind !== 'source') expect(passes(secretNameInterest(false), path), path).toBe(true)
    }
    expect(checked).toBeGreaterThan(30)
    expect(passes(secretNameInterest(false), '/home/u/p/main.py')).toBe(false)
    expect(passes(secretNameInterest(false), '/home/u/p/data.csv')).toBe(false)
  })
})

describe('redaction, fingerprint and environment scan', () => {
  const rng = makeRng(8)
  it('redacts to the public prefix plus the last four characters', () => {
    const k = KEY_MAKERS['anthropic-api']!(rng)
    expect(redact(k)).toBe(`sk-ant-api03-…${k.slice(-4)}`)
    const hex = KEY_MAKERS['wandb']!(rng)
    expect(redact(hex)).toBe(`…${hex.slice(-4)}`)
    expect(redact('short12345')).toBe('…45')
  })
  it('fingerprints are HMAC-SHA-256 under the installation key: stable per key, different per installation', () => {
    const k = KEY_MAKERS['groq']!(rng)
    expect(fingerprint(k, KEY)).toMatch(/^[0-9a-f]{64}$/)
    expect(fingerprint(k, KEY)).toBe(fingerprint(k, KEY))
    expect(fingerprint(k, new Uint8Array(32))).not.toBe(fingerprint(k, KEY))
  })
  it('scans the environment as env:NAME with where=env and lowered severity', () => {
    const k = KEY_MAKERS['openai-project']!(rng)
    const scanner = createSecretScanner({ fingerprintKey: KEY })
    const hits = scanEnvironment({ OPENAI_API_KEY: k, PATH: '/usr/bin', EMPTY: undefined }, scanner)
    expect(hits).toHaveLength(1)
    expect(hits[0]).toMatchObject({
      provider: 'OpenAI',
      where: 'env',
      path: 'env:OPENAI_API_KEY',
      severity: 'medium',
    })
    expect(JSON.stringify(hits)).not.toContain(k)
  })
})
