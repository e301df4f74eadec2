import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import type { ScanProgress } from '../../../src/core/types'
import {
  fakeOpenAiKey,
  makeFakeHome,
  safetensors,
  write,
} from '../../fixtures/generators/fake-home'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup() {
  const fake = makeFakeHome()
  const dbDir = mkdtempSync(join(tmpdir(), 'aiscout-scan-db-'))
  cleanup.push(fake.home, dbDir)
  return { fake, db: openDb(join(dbDir, 'inv.db')) }
}

describe('scan engine', () => {
  it('hashes each model once: an unchanged rescan reads no model bytes (cache by dev, inode, size, mtime)', async () => {
    const { fake, db } = setup()
    write(
      join(fake.home, 'models', 'big.safetensors'),
      Buffer.concat([safetensors(), Buffer.alloc(0)]),
    )
    const first = await scan(db, { home: fake.home, env: {} })
    expect(first.stats.bytesHashed).toBeGreaterThan(0)
    const second = await scan(db, { home: fake.home, env: {} })
    expect(second.stats.bytesHashed).toBe(0)
    expect(second.stats.hashCacheHits).toBe(first.stats.filesHashed)
    const models = [...openInventoryReader(db).assets()].filter((a) => a.kind === 'model')
    expect(models.every((m) => /^[0-9a-f]{64}$/.test(m.sha256 ?? ''))).toBe(true)
    // Touching a file (new mtime) invalidates its cache entry.
    writeFileSync(fake.paths.good, safetensors())
    const third = await scan(db, { home: fake.home, env: {} })
    expect(third.stats.bytesHashed).toBeGreaterThan(0)
    db.close()
  })

  it('--no-hash records models without digests', async () => {
    const { fake, db } = setup()
    const s = await scan(db, { home: fake.home, env: {}, hash: false })
    expect(s.stats.bytesHashed).toBe(0)
    const good = [...openInventoryReader(db).assets()].find((a) => a.path === fake.paths.good)
    expect(good?.sha256).toBeUndefined()
    db.close()
  })

  it('reports progress and honours cancellation, keeping the previous inventory', async () => {
    const { fake, db } = setup()
    const events: ScanProgress[] = []
    const done = await scan(db, { home: fake.home, env: {} }, { onProgress: (p) => events.push(p) })
    expect(done.status).toBe('complete')
    expect(events.at(-1)?.phase).toBe('done')
    expect(events.some((e) => e.phase === 'crawling')).toBe(true)
    const before = [...openInventoryReader(db).assets()].map((a) => a.id).sort()

    for (let i = 0; i < 300; i++) write(join(fake.home, 'many', `m${i}.safetensors`), safetensors())
    const ac = new AbortController()
    const cancelled = await scan(
      db,
      { home: fake.home, env: {} },
      {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'crawling') ac.abort()
        },
      },
    )
    expect(cancelled.status).toBe('interrupted')
    const inv = openInventoryReader(db)
    expect(inv.scan.id).toBe(done.scanId)
    expect([...inv.assets()].map((a) => a.id).sort()).toEqual(before)
    db.close()
  })

  it('lists a cloud placeholder (size but no allocated blocks) from metadata without reading it', async () => {
    const { fake, db } = setup()
    const p = join(fake.home, 'iCloud Drive', 'remote.safetensors')
    write(p, '')
    const fd = openSync(p, 'r+')
    ftruncateSync(fd, 50_000_000)
    closeSync(fd)
    await scan(db, { home: fake.home, env: {} })
    const inv = openInventoryReader(db)
    const asset = [...inv.assets()].find((a) => a.path === p)
    expect(asset).toMatchObject({
      kind: 'model',
      sizeBytes: 50_000_000,
      details: { cloudPlaceholder: true },
    })
    expect(asset?.sha256).toBeUndefined()
    expect(asset?.verdict).toBeUndefined()
    expect([...inv.skipped()]).toContainEqual(
      expect.objectContaining({ path: p, reason: 'cloud-placeholder' }),
    )
    db.close()
  })

  it('honours --exclude globs and extra roots (overlapping roots walked once)', async () => {
    const { fake, db } = setup()
    const other = mkdtempSync(join(tmpdir(), 'aiscout-root-'))
    cleanup.push(other)
    write(join(other, 'extra.safetensors'), safetensors())
    const s = await scan(db, {
      home: fake.home,
      roots: [other, join(fake.home, 'models'), other],
      exclude: ['**/Downloads/**'],
      env: {},
    })
    expect(s.roots).toEqual([fake.home, other].sort((a, b) => a.length - b.length))
    const paths = [...openInventoryReader(db).assets()].map((a) => a.path)
    expect(paths).toContain(join(other, 'extra.safetensors'))
    expect(paths).not.toContain(fake.paths.evil)
    expect(paths.filter((p) => p === fake.paths.good)).toHaveLength(1)
    db.close()
  })

  it('records a file that vanished between listing and analysis as skipped and goes on', async () => {
    const { fake, db } = setup()
    const { readdir } = await import('node:fs')
    await scan(db, {
      home: fake.home,
      env: {},
      readdir: (p, cb) =>
        readdir(p, { withFileTypes: true }, (err, entries) => {
          if (!err && p === join(fake.home, 'models')) {
            const ghost = {
              name: 'ghost.safetensors',
              isDirectory: () => false,
              isFile: () => true,
            }
            cb(null, [...entries, ghost as unknown as (typeof entries)[number]])
          } else cb(err, entries)
        }),
    })
    const inv = openInventoryReader(db)
    expect([...inv.skipped()]).toContainEqual(
      expect.objectContaining({
        path: join(fake.home, 'models', 'ghost.safetensors'),
        reason: 'vanished',
      }),
    )
    expect([...inv.assets()].some((a) => a.path === fake.paths.good)).toBe(true)
    db.close()
  })
})

describe('paths beyond PATH_MAX', () => {
  it('walks a subtree deeper than 4096 bytes through short symlink aliases and records real paths', async () => {
    const { fake, db } = setup()
    const { execFileSync } = await import('node:child_process')
    const seg = 'p'.repeat(200)
    // 30 levels of 200 bytes: the model sits at an absolute path of ~6,100 bytes.
    execFileSync('bash', [
      '-c',
      `cd "${fake.home}" && for i in $(seq 1 30); do mkdir ${seg} && cd ${seg}; done && printf x > notes.txt`,
    ])
    const deepDir = join(fake.home, ...Array(30).fill(seg))
    execFileSync(
      'bash',
      [
        '-c',
        `cd "${fake.home}" && cd ${Array(30).fill(seg).join('/')} 2>/dev/null || { for i in $(seq 1 30); do cd ${seg}; done; }; cat > deep.safetensors`,
      ],
      {
        input: safetensors(),
      },
    )
    await scan(db, { home: fake.home, env: {} })
    const inv = openInventoryReader(db)
    const deep = [...inv.assets()].find((a) => a.path === join(deepDir, 'deep.safetensors'))
    expect(deep).toMatchObject({ kind: 'model', verdict: 'safe' })
    expect(deep!.path.length).toBeGreaterThan(4096)
    expect([...inv.skipped()].filter((s) => s.reason === 'path-too-long')).toEqual([])
    execFileSync('rm', ['-rf', join(fake.home, seg)])
    db.close()
  })
})

describe('model stores through the engine', () => {
  it('analyses a chat template stored as a content-addressed Hugging Face blob (CVE-2024-34359 class)', async () => {
    const { fake, db } = setup()
    const { createHash } = await import('node:crypto')
    const { symlinkSync, mkdirSync } = await import('node:fs')
    const template = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    const body = JSON.stringify({ chat_template: template, model_max_length: 4096 })
    const sha = createHash('sha256').update(body).digest('hex')
    const repo = join(fake.home, '.cache', 'huggingface', 'hub', 'models--acme--tiny')
    const commit = 'c'.repeat(40)
    write(join(repo, 'blobs', sha), body)
    write(join(repo, 'refs', 'main'), commit)
    mkdirSync(join(repo, 'snapshots', commit), { recursive: true })
    symlinkSync(
      join('..', '..', 'blobs', sha),
      join(repo, 'snapshots', commit, 'tokenizer_config.json'),
    )
    await scan(db, { home: fake.home, env: {} })
    const inv = openInventoryReader(db)
    // One model asset for the repo; the template is its part, and the part's finding is the repo's.
    const model = [...inv.assets()].find((a) => a.path === repo)
    expect(model).toMatchObject({ kind: 'model', verdict: 'malicious' })
    expect([...inv.assets()].some((a) => a.path.includes(join(repo, 'blobs')))).toBe(false)
    const cfg = join(repo, 'snapshots', commit, 'tokenizer_config.json')
    expect(
      [...inv.findings()].some(
        (f) => f.path === cfg && f.assetId === model!.id && f.severity === 'critical',
      ),
    ).toBe(true)
    db.close()
  })
})

describe('content decides in the crawl', () => {
  it('finds a pickle with no extension, reports the missing extension, and inventories a Core ML package', async () => {
    const { fake, db } = setup()
    const { maliciousPickle } = await import('../../fixtures/generators/fake-home')
    const weights = join(fake.home, 'work', 'weights')
    write(weights, maliciousPickle())
    write(join(fake.home, 'work', 'LICENSE'), 'MIT License\n')
    const manifest = join(fake.home, 'apps', 'Classifier.mlpackage', 'Manifest.json')
    write(
      manifest,
      JSON.stringify({ fileFormatVersion: '1.0.0', itemInfoEntries: {}, rootModelIdentifier: 'x' }),
    )
    await scan(db, { home: fake.home, env: {} })
    const inv = openInventoryReader(db)
    const assets = [...inv.assets()]
    expect(assets.find((a) => a.path === weights)).toMatchObject({
      kind: 'model',
      format: 'pickle',
      verdict: 'malicious',
    })
    expect(
      [...inv.findings()].some(
        (f) => f.path === weights && f.ruleId === 'engine.extension-mismatch',
      ),
    ).toBe(true)
    expect(assets.some((a) => a.path.endsWith('LICENSE'))).toBe(false)
    expect(assets.find((a) => a.path === manifest)).toMatchObject({
      kind: 'model',
      format: 'coreml',
      name: 'Classifier.mlpackage',
    })
    db.close()
  })
})

describe('keys in the environment (--scan-env)', () => {
  it('records one redacted secret asset with its finding, and never the value', async () => {
    const { fake, db } = setup()
    const key = fakeOpenAiKey(7)
    await scan(db, { home: fake.home, env: { OPENAI_API_KEY: key }, scanEnvironment: true })
    const r = openInventoryReader(db)
    const envAssets = [...r.assets()].filter((a) => a.source === 'environment')
    expect(envAssets).toHaveLength(1)
    const a = envAssets[0]!
    expect(a).toMatchObject({ kind: 'secret', path: 'env:OPENAI_API_KEY' })
    expect(a.details).toMatchObject({
      provider: expect.any(String),
      fingerprint: expect.any(String),
    })
    expect(String(a.details.redacted)).not.toContain(key)
    const f = [...r.findings()].filter((x) => x.assetId === a.id)
    expect(f).toHaveLength(1)
    expect(f[0]!.message).toMatch(/environment variable OPENAI_API_KEY/)
    expect(JSON.stringify([...r.assets(), ...r.findings()])).not.toContain(key)
    db.close()
  })
})

describe('crawl-only runs (the crawl benchmark)', () => {
  it('classify model candidates by content without scanning them, and run nothing else', async () => {
    const { fake, db } = setup()
    const s = await scan(db, { home: fake.home, env: {}, crawlOnly: true, hash: false })
    expect(s.status).toBe('complete')
    const assets = [...openInventoryReader(db).assets()]
    const byPath = new Map(assets.map((a) => [a.path, a]))
    // A pickle named .safetensors is a pickle; the real safetensors file is safetensors.
    expect(byPath.get(fake.paths.evil)?.format).toBe('pickle')
    expect(byPath.get(fake.paths.good)?.format).toBe('safetensors')
    // Decoys are not models, and pruned folders are not walked.
    for (const p of [fake.paths.textPt, fake.paths.randomBin, fake.paths.nodeModulesModel])
      expect(byPath.has(p)).toBe(false)
    // No scanner ran (no verdict, no finding), and no analyzer or secrets pass either.
    expect(assets.every((a) => a.kind === 'model' && a.verdict === undefined)).toBe(true)
    expect(s.stats.modelsScanned).toBe(0)
    expect(s.stats.findings).toBe(0)
    db.close()
  })
})

describe('incremental rescans', () => {
  it('reuses the static scan of unchanged model files and rescans a touched one', async () => {
    const { fake, db } = setup()
    const { statSync, utimesSync } = await import('node:fs')
    const first = await scan(db, { home: fake.home, env: {} })
    expect(first.stats.scanCacheHits).toBe(0)
    const again = await scan(db, { home: fake.home, env: {} })
    expect(again.stats.scanCacheHits).toBe(first.stats.modelsScanned)
    const st = statSync(fake.paths.good)
    utimesSync(fake.paths.good, st.atime, new Date(st.mtimeMs + 5000))
    const third = await scan(db, { home: fake.home, env: {} })
    expect(third.stats.scanCacheHits).toBe(first.stats.modelsScanned - 1)
    const good = [...openInventoryReader(db).assets()].find((a) => a.path === fake.paths.good)
    expect(good?.verdict).toBe('safe')
    db.close()
  })

  it('does not reread an unchanged notebook or .env file, and rereads one whose mtime changed', async () => {
    const { fake, db } = setup()
    const { chmodSync, utimesSync } = await import('node:fs')
    const nb = join(fake.home, 'work', 'memo.ipynb')
    const env = join(fake.home, 'work', 'app', '.env')
    const notebook = (key: string) =>
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            source: [`import openai\nclient = openai.OpenAI(api_key="${key}")\n`],
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      })
    const [a, b] = [fakeOpenAiKey(501), fakeOpenAiKey(777)]
    write(nb, notebook(a))
    write(env, `OPENAI_API_KEY=${a}\n`, 0o644)
    // Whole-second mtimes, so that putting one back below restores it exactly.
    const stamp = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
    for (const path of [nb, env]) utimesSync(path, stamp, stamp)
    const secretsAt = (path: string) =>
      [...openInventoryReader(db).assets()]
        .filter((x) => x.kind === 'secret' && x.path === path)
        .map((x) => String(x.details?.fingerprint ?? x.id))
    await scan(db, { home: fake.home, env: {} })
    const before = { nb: secretsAt(nb), env: secretsAt(env) }
    expect(before.nb).toHaveLength(1)
    expect(before.env).toHaveLength(1)
    const postureOf = () =>
      [...openInventoryReader(db).findings()].filter(
        (f) => f.ruleId === 'posture.key-file-permissions' && f.path === env,
      )
    expect(postureOf()).toHaveLength(1)

    // Same length, same inode, mtime put back: the files look unchanged, so the remembered
    // analysis stands (proof that the bytes were not read again) ...
    const keep = (path: string, text: string) => {
      writeFileSync(path, text)
      utimesSync(path, stamp, stamp)
    }
    keep(nb, notebook(b))
    keep(env, `OPENAI_API_KEY=${b}\n`)
    // ... while the mode is checked afresh: chmod leaves the mtime alone.
    chmodSync(env, 0o600)
    await scan(db, { home: fake.home, env: {} })
    expect(secretsAt(nb)).toEqual(before.nb)
    expect(secretsAt(env)).toEqual(before.env)
    expect(postureOf()).toHaveLength(0)

    // A new mtime: both are read again and the new key replaces the old one.
    for (const path of [nb, env]) utimesSync(path, stamp, new Date(stamp.getTime() + 5000))
    await scan(db, { home: fake.home, env: {} })
    expect(secretsAt(nb)).not.toEqual(before.nb)
    expect(secretsAt(env)).not.toEqual(before.env)
    expect(secretsAt(nb)).toHaveLength(1)
    db.close()
  })
})
