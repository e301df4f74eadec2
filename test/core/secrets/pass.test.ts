import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSecretsPass, secretFileKind } from '../../../src/core/secrets'
import { RULES } from '../../../src/core/rules'
import { writeGitIndex } from '../../fixtures/generators/secrets/git-index'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'
import { KEY, tempDir } from './helpers'

const rng = makeRng(2024)
const key = (m: string) => KEY_MAKERS[m]!(rng)
const t = tempDir('pass')
afterAll(() => t.cleanup())
const home = join(t.dir, 'home')
mkdirSync(home, { recursive: true })
const root = process.getuid?.() === 0

function put(rel: string, text: string, mode = 0o600): string {
  const p = join(home, rel)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, text)
  chmodSync(p, mode)
  return p
}

const ruleIds = new Set(RULES.map((r) => r.id))

describe('secrets pass: assets and findings', () => {
  it('emits one secret asset and one finding per key, with no cleartext', async () => {
    const k = key('openai-project')
    const path = put('proj/.env', `# comment\nOPENAI_API_KEY=${k}\n`)
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const r = await pass.analyzeFile(path, 'dotenv')
    expect(r.assets).toHaveLength(1)
    const a = r.assets[0]!
    expect(a.kind).toBe('secret')
    expect(a.path).toBe(path)
    expect(a.name).toBe('OpenAI key')
    expect(a.source).toBe('secrets')
    expect(a.details).toMatchObject({
      provider: 'OpenAI',
      line: 2,
      ruleId: 'secret.ai-api-key',
      where: 'env',
    })
    expect(a.details?.redacted).toBe(`sk-proj-…${k.slice(-4)}`)
    expect(a.identity).toBe(`${a.details?.fingerprint}@${path}:2`)
    const f = r.findings.find((x) => x.ruleId === 'secret.ai-api-key')!
    expect(f).toMatchObject({ path, line: 2, severity: 'high' })
    expect(f.message).toContain('OpenAI')
    expect(r.findingAssets[r.findings.indexOf(f)]).toBe(a.identity)
    for (const x of r.findings) expect(ruleIds.has(x.ruleId), x.ruleId).toBe(true)
    expect(JSON.stringify(r)).not.toContain(k)
    expect(JSON.stringify(r)).not.toContain(k.slice(8, 40))
  })

  it('a commented-out export still counts', async () => {
    const k = key('anthropic-api')
    const path = put('.zshrc', `alias ll='ls -l'\n# export ANTHROPIC_API_KEY=${k}\n`)
    const r = await createSecretsPass({ fingerprintKey: KEY, home }).analyzeFile(path, 'shell-rc')
    expect(r.assets).toHaveLength(1)
    expect(r.assets[0]!.details).toMatchObject({ where: 'comment', line: 2, provider: 'Anthropic' })
  })

  it('finds a key on a line holding a 700-character path, and in a file at a 700-character path', async () => {
    const k = key('groq')
    const longDir = Array.from({ length: 7 }, (_, i) => `${String(i)}${'d'.repeat(99)}`).join('/')
    const line = `cd /${longDir} && GROQ_API_KEY=${k} python run.py`
    const p1 = put('.bash_history', `ls\n${line}\n`)
    const p2 = put(`${longDir}/.env`, `GROQ_API_KEY=${k}\n`)
    expect(p2.length).toBeGreaterThan(700)
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const r1 = await pass.analyzeFile(p1, 'shell-history')
    const r2 = await pass.analyzeFile(p2, 'dotenv')
    expect(r1.assets.map((a) => a.details?.line)).toEqual([2])
    expect(r1.findings.map((f) => f.ruleId)).toContain('posture.key-in-shell-history')
    expect(r2.assets).toHaveLength(1)
    // Same key in two files: reported once at the end of the scan.
    const fin = pass.finish()
    expect(fin.findings.map((f) => f.ruleId)).toEqual(['posture.key-reused'])
    expect(fin.findings[0]!.message).toContain(p2)
    expect(JSON.stringify(fin)).not.toContain(k)
  })

  it('never throws: vanished, over-long path, symlink loop, directory, FIFO', async () => {
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const gone = await pass.analyzeFile(join(home, 'nope/.env'), 'dotenv')
    expect(gone).toMatchObject({ assets: [], findings: [] })
    expect(gone.skipped[0]?.reason).toBe('vanished')
    const tooLong = await pass.analyzeFile(join(home, `${'a'.repeat(300)}/.env`), 'dotenv')
    expect(tooLong.skipped[0]?.reason).toBe('path-too-long')
    const loop = join(home, 'loop.env')
    symlinkSync(join(home, 'loop2.env'), loop)
    symlinkSync(loop, join(home, 'loop2.env'))
    expect((await pass.analyzeFile(loop, 'dotenv')).skipped[0]?.reason).toBe('symlink-loop')
    mkdirSync(join(home, 'dir.json'))
    expect((await pass.analyzeFile(join(home, 'dir.json'), 'json')).skipped[0]?.reason).toBe(
      'excluded',
    )
    const fifo = join(home, 'pipe.env')
    execFileSync('mkfifo', [fifo])
    expect((await pass.analyzeFile(fifo, 'dotenv')).skipped[0]?.reason).toBe('excluded')
  })

  it('an unreadable file is skipped with permission-denied (as a non-root user: root ignores modes)', () => {
    const p = put('locked/.env', `OPENAI_API_KEY=${key('openai-project')}\n`, 0o000)
    // Run the pass in a child process; as root it drops to `nobody` so the kernel really refuses.
    const core = resolve(__dirname, '../../../out/core/index.js')
    const script = `require(${JSON.stringify(core)}).createSecretsPass({ fingerprintKey: Buffer.alloc(32, 1), home: ${JSON.stringify(home)} })
      .analyzeFile(${JSON.stringify(p)}, 'dotenv').then((r) => process.stdout.write(JSON.stringify(r)))`
    for (let d = dirname(p); d.length > 1; d = dirname(d)) {
      if (d.startsWith(tmpdir())) chmodSync(d, 0o755)
    }
    const uid = root ? 65534 : undefined
    const out = execFileSync(process.execPath, ['-e', script], { uid, gid: uid, encoding: 'utf8' })
    const r = JSON.parse(out) as { skipped: { reason: string }[]; assets: unknown[] }
    expect(r.skipped[0]?.reason).toBe('permission-denied')
    expect(r.assets).toEqual([])
  })

  it('binary files yield nothing; large files are read in line-aligned chunks', async () => {
    const k = key('xai')
    const bin = put('blob.json', `\u0000\u0001XAI_API_KEY=${k}`)
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    expect((await pass.analyzeFile(bin, 'json')).assets).toEqual([])
    const filler = 'lorem ipsum dolor sit amet\n'.repeat(150_000) // ~4 MiB
    const big = put('big.log', `${filler}XAI_API_KEY=${k}\n${filler}`)
    const r = await pass.analyzeFile(big, 'text')
    expect(r.assets.map((a) => a.details?.line)).toEqual([150_001])
  })
})

describe('posture checks', () => {
  it('flags key files readable by group or others (POSIX), not 0600 ones', async () => {
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const k = key('huggingface-token')
    const tight = put('.cache/huggingface/token', k, 0o600)
    const loose = put('.cache/huggingface/token2', k, 0o644)
    const rTight = await pass.analyzeFile(tight, 'hf-token')
    const rLoose = await pass.analyzeFile(loose, 'hf-token')
    expect(rTight.findings.map((f) => f.ruleId)).toEqual(['secret.ai-api-key'])
    // A dedicated credential store is where a key belongs: one level below the provider default.
    expect(rTight.findings[0]!.severity).toBe('medium')
    const perm = rLoose.findings.find((f) => f.ruleId === 'posture.key-file-permissions')
    expect(perm?.severity).toBe('high')
    expect(perm?.message).toContain('0644')
  })

  it('flags keys in files tracked by git (index v2, v3 and v4) and .env files not ignored', async () => {
    for (const version of [2, 3, 4] as const) {
      const repo = join(home, `repo-v${version}`)
      mkdirSync(join(repo, '.git'), { recursive: true })
      mkdirSync(join(repo, 'svc/api'), { recursive: true })
      writeFileSync(join(repo, '.gitignore'), '# local\n*.log\nsecrets/\n!keep.log\n')
      writeFileSync(
        join(repo, '.git', 'index'),
        writeGitIndex(
          ['README.md', 'svc/api/config.py', 'svc/api/settings.yaml', 'svc/z.txt'],
          version,
        ),
      )
      const k = key('perplexity')
      const tracked = join(repo, 'svc/api/config.py')
      writeFileSync(tracked, `PPLX = "${k}"\n`, { mode: 0o600 })
      const untracked = join(repo, 'svc/api/local.py')
      writeFileSync(untracked, `PPLX = "${k}"\n`, { mode: 0o600 })
      const env = join(repo, 'svc/.env')
      writeFileSync(env, 'DEBUG=1\n', { mode: 0o600 })
      const pass = createSecretsPass({ fingerprintKey: KEY, home })
      const r1 = await pass.analyzeFile(tracked, 'source')
      expect(
        r1.findings.map((f) => f.ruleId),
        `v${version}`,
      ).toContain('posture.key-committed-to-git')
      const r2 = await pass.analyzeFile(untracked, 'source')
      expect(r2.findings.map((f) => f.ruleId)).not.toContain('posture.key-committed-to-git')
      const r3 = await pass.analyzeFile(env, 'dotenv')
      expect(r3.findings.map((f) => f.ruleId)).toEqual(['posture.env-not-gitignored'])
      expect(r3.findings[0]!.severity).toBe('low')
      // Once .gitignore covers it, no finding.
      writeFileSync(join(repo, 'svc/.gitignore'), '.env\n')
      const r4 = await createSecretsPass({ fingerprintKey: KEY, home }).analyzeFile(env, 'dotenv')
      expect(r4.findings).toEqual([])
    }
  })

  it('honours .git/info/exclude and resolves a `.git` file (worktree/submodule)', async () => {
    const main = join(home, 'wt-main')
    mkdirSync(join(main, '.git', 'worktrees', 'feature'), { recursive: true })
    const wt = join(home, 'wt-feature')
    mkdirSync(wt, { recursive: true })
    writeFileSync(join(wt, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'feature')}\n`)
    const gitDir = join(main, '.git', 'worktrees', 'feature')
    const k = key('replicate')
    writeFileSync(join(gitDir, 'index'), writeGitIndex(['app.py']))
    const app = join(wt, 'app.py')
    writeFileSync(app, `REPLICATE_API_TOKEN=${k}\n`, { mode: 0o600 })
    const env = join(wt, '.env')
    writeFileSync(env, `REPLICATE_API_TOKEN=${k}\n`, { mode: 0o600 })
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const r1 = await pass.analyzeFile(app, 'source')
    expect(r1.findings.map((f) => f.ruleId)).toContain('posture.key-committed-to-git')
    const r2 = await pass.analyzeFile(env, 'dotenv')
    expect(r2.findings.find((f) => f.ruleId === 'posture.env-not-gitignored')?.severity).toBe(
      'medium',
    )
    // Worktrees share the main repository's info/exclude, found through `commondir`.
    writeFileSync(join(gitDir, 'commondir'), '../..\n')
    mkdirSync(join(main, '.git', 'info'), { recursive: true })
    writeFileSync(join(main, '.git', 'info', 'exclude'), '.env\n')
    const r3 = await createSecretsPass({ fingerprintKey: KEY, home }).analyzeFile(env, 'dotenv')
    expect(r3.findings.map((f) => f.ruleId)).toEqual(['secret.ai-api-key'])
  })

  it('.env outside any repository and .env templates raise no gitignore finding', async () => {
    const plain = put('norepo/.env', 'A=1\n')
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    expect((await pass.analyzeFile(plain, 'dotenv')).findings).toEqual([])
    const repo = join(home, 'repo-tpl')
    mkdirSync(join(repo, '.git'), { recursive: true })
    writeFileSync(join(repo, '.env.example'), 'A=\n')
    expect((await pass.analyzeFile(join(repo, '.env.example'), 'dotenv')).findings).toEqual([])
    rmSync(repo, { recursive: true })
  })

  it('every candidate written by the pass tests is classified by secretFileKind', () => {
    expect(secretFileKind(join(home, '.cache/huggingface/token'), home)).toBe('hf-token')
    expect(secretFileKind(join(home, 'proj/.env'), home)).toBe('dotenv')
  })
})
