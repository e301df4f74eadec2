import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { overview } from '../../src/core/query'
import { openDbForReading } from '../../src/core/storage/db'
import { buildStoresHome } from '../fixtures/generators/homes/stores-home'
import { parseCsv } from '../core/report/helpers'

const CLI = join(resolve(__dirname, '../..'), 'out/cli/aiscout.js')

type Part = { name: string; role?: string; sha256?: string; verdict?: string }
type JsonAsset = {
  id: string
  kind: string
  name?: string
  path: string
  source?: string
  verdict?: string
  details?: { parts?: Part[]; partCount?: number }
}
type Comp = {
  type: string
  name: string
  'bom-ref': string
  hashes?: { alg: string; content: string }[]
  properties?: { name: string; value: string }[]
  components?: Comp[]
}

/**
 * One model per Hugging Face repo, through every export a security team reads: a store home
 * (sharded, multi-component, GGUF, MLX and one-file model repos, a dataset repo) is scanned by
 * the real CLI into a real inventory, then exported as JSON, CSV, HTML and CycloneDX.
 */
describe('exports of a scanned Hugging Face cache: one model per repo, its files as parts', () => {
  const built = buildStoresHome('linux')
  const dbFile = join(built.root, 'inventory.db')
  const hubFile = (p: string) => p.startsWith(built.hub) && /[/](snapshots|blobs)[/]/.test(p)
  const exported = new Map<string, string>()

  function cli(args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], HOME: built.home, NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    })
  }

  beforeAll(() => {
    if (!existsSync(CLI))
      throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
    const scan = cli(['scan', '--home', built.home, '--db', dbFile, '--quiet'])
    expect(scan.stderr).toBe('')
    expect(scan.status).toBe(1) // the pipeline repo's VAE pickle is malicious
    for (const format of ['json', 'csv', 'html', 'cyclonedx']) {
      const r = cli(['export', '--format', format, '--db', dbFile])
      expect(r.status, r.stderr).toBe(0)
      exported.set(format, r.stdout)
    }
  })
  afterAll(() => rmSync(built.root, { recursive: true, force: true }))

  it('JSON: one model asset per cached repo, none for a snapshot file or blob, shards as parts', () => {
    const assets = (JSON.parse(exported.get('json')!) as { assets: JsonAsset[] }).assets
    const hf = assets.filter((a) => a.kind === 'model' && a.source === 'huggingface-cache')
    expect(hf.map((a) => a.name).sort()).toEqual([...built.hf.modelRepos].sort())
    expect(assets.filter((a) => hubFile(a.path))).toEqual([])
    const big = hf.find((a) => a.name === 'acme/big-llm')!
    expect(big.details?.partCount).toBe(3)
    expect(
      big.details?.parts
        ?.filter((p) => p.role === 'weights')
        .map((p) => p.sha256)
        .sort(),
    ).toEqual([...built.hf.shardShas].sort())
    const ds = assets.filter((a) => a.kind === 'dataset' && a.path === built.hf.datasetRepo)
    expect(ds).toHaveLength(1)
    expect(ds[0]!.details?.parts?.map((p) => p.name).sort()).toEqual([
      'data/test.parquet',
      'data/train.parquet',
    ])
  })

  it('the overview counts each repo once: models and datasets by kind, copies of the same weights once', () => {
    const assets = (
      JSON.parse(exported.get('json')!) as {
        assets: (JsonAsset & { sha256?: string; sizeBytes?: number })[]
      }
    ).assets
    const db = openDbForReading(dbFile)
    try {
      const o = overview(db, { topFindings: 0 })
      const models = assets.filter((a) => a.kind === 'model')
      expect(o.assetsByKind['model']).toBe(models.length)
      expect(o.assetsByKind['dataset']).toBe(assets.filter((a) => a.kind === 'dataset').length)
      // The loose copy of acme/tiny-llm's weights shares the repo's digest: its bytes count once.
      const bySha = new Map<string, number>()
      for (const m of models)
        bySha.set(m.sha256 ?? m.id, Math.max(bySha.get(m.sha256 ?? m.id) ?? 0, m.sizeBytes ?? 0))
      expect(o.modelStorageBytes).toBe([...bySha.values()].reduce((a, b) => a + b, 0))
      const copy = models.find((m) => m.path === built.looseCopy)!
      expect(models.find((m) => m.name === 'acme/tiny-llm')!.sha256).toBe(copy.sha256)
    } finally {
      db.close()
    }
  })

  it('CSV: one row per repo with its files in one readable cell; no row for a part', () => {
    // To stdout the findings table follows the assets after one blank line.
    const [head, ...rows] = parseCsv(`${exported.get('csv')!.split('\r\n\r\n')[0]!}\r\n`)
    const col = (k: string) => head!.indexOf(k)
    expect(col('details.parts')).toBeGreaterThan(0)
    const hf = rows.filter(
      (r) => r[col('kind')] === 'model' && r[col('source')] === 'huggingface-cache',
    )
    expect(hf.map((r) => r[col('name')]).sort()).toEqual([...built.hf.modelRepos].sort())
    expect(rows.filter((r) => hubFile(r[col('path')]!))).toEqual([])
    const big = hf.find((r) => r[col('name')] === 'acme/big-llm')!
    const cell = big[col('details.parts')]!
    for (const sha of built.hf.shardShas) expect(cell).toContain(`, safe, sha256 ${sha}]`)
    expect(cell).toContain('tokenizer_config.json [')
    expect(cell.split('; ')).toHaveLength(3)
    const sd = hf.find((r) => r[col('name')] === 'acme/sd-tiny')!
    expect(sd[col('verdict')]).toBe('malicious')
    expect(sd[col('details.parts')]).toMatch(
      /vae\/diffusion_pytorch_model\.bin \[pickle, \d+ B, malicious,/,
    )
  })

  it('HTML: one row per repo in the models table, its files listed in it with the malicious one flagged', () => {
    const page = exported.get('html')!
    const start = page.indexOf('id="kind-model"')
    const models = page.slice(start, page.indexOf('</section>', start))
    const rows = models
      .split('<tr')
      .slice(1)
      .filter((r) => r.includes('<td'))
    for (const id of built.hf.modelRepos) {
      expect(
        rows.filter((r) => r.includes(`<b>${id}</b>`)),
        id,
      ).toHaveLength(1)
    }
    // No row of its own for a shard: each shard name appears only inside the repo's part list.
    for (const shard of ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'])
      expect(rows.filter((r) => r.includes(shard))).toHaveLength(1)
    const big = rows.find((r) => r.includes('<b>acme/big-llm</b>'))!
    expect(big.match(/<ul class="muted parts">(.*?)<\/ul>/)?.[1]?.match(/<li>/g)).toHaveLength(3)
    const sd = rows.find((r) => r.includes('<b>acme/sd-tiny</b>'))!
    expect(sd).toMatch(
      /<li>vae\/diffusion_pytorch_model\.bin \(pickle, [^)]*\) <span class="verdict v-malicious">malicious<\/span><\/li>/,
    )
  })

  it('CycloneDX: one machine-learning-model component per repo, each file a sub-component with its SHA-256', () => {
    const bom = JSON.parse(exported.get('cyclonedx')!) as { components: Comp[] }
    const ml = bom.components.filter((c) => c.type === 'machine-learning-model')
    for (const id of built.hf.modelRepos)
      expect(
        ml.filter((c) => c.name === id),
        id,
      ).toHaveLength(1)
    // No top-level component for a file of a repo.
    const partNames = new Set(ml.flatMap((c) => (c.components ?? []).map((p) => p.name)))
    expect(bom.components.filter((c) => c.type !== 'data' && partNames.has(c.name))).toEqual([])
    const big = ml.find((c) => c.name === 'acme/big-llm')!
    expect(big.hashes).toBeUndefined() // several weight files: no single digest
    const files = big.components!.filter((p) => p.type === 'file')
    expect(files).toHaveLength(3)
    expect(
      files
        .flatMap((p) => p.hashes ?? [])
        .filter((h) => h.alg === 'SHA-256')
        .map((h) => h.content)
        .sort(),
    ).toEqual(expect.arrayContaining([...built.hf.shardShas].sort()))
    const vae = ml
      .find((c) => c.name === 'acme/sd-tiny')!
      .components!.find((p) => p.name === 'vae/diffusion_pytorch_model.bin')!
    expect(vae.properties).toContainEqual({ name: 'aiscout:verdict', value: 'malicious' })
    // bom-refs stay unique with the sub-components in.
    const refs = [...bom.components, ...bom.components.flatMap((c) => c.components ?? [])].map(
      (c) => c['bom-ref'],
    )
    expect(new Set(refs).size).toBe(refs.length)
  })
})
