import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSecretsPass, fingerprint, secretFileKind } from '../../../src/core/secrets'
import type { NewAsset, NewFinding } from '../../../src/core/types'
import { buildFakeHome } from '../../fixtures/generators/secrets/home'
import { KEY, tempDir, walk } from './helpers'

/**
 * Detection benchmark on a generated fake home: real-format keys for every detector row in the
 * places keys live, plus the decoy traps. Recall must stay >= 95% with at most one decoy flagged.
 */
describe('detection benchmark (fake home)', () => {
  const t = tempDir('home')
  afterAll(() => t.cleanup())

  it('finds >= 95% of planted keys with the right provider and flags <= 1 decoy', async () => {
    const home = join(t.dir, 'home')
    const fake = buildFakeHome(home, 42)
    const pass = createSecretsPass({ fingerprintKey: KEY, home })
    const assets: NewAsset[] = []
    const findings: NewFinding[] = []
    for (const path of walk(home)) {
      const kind = secretFileKind(path, home)
      if (!kind) continue
      const r = await pass.analyzeFile(path, kind)
      assets.push(...r.assets)
      findings.push(...r.findings)
    }
    findings.push(...pass.finish().findings)

    const found = new Map<string, NewAsset>()
    for (const a of assets) found.set(String(a.details?.fingerprint), a)
    const missed: string[] = []
    let attributed = 0
    for (const p of fake.plants) {
      const a = found.get(fingerprint(p.value, KEY))
      if (!a) missed.push(`${p.maker} in ${p.rel}`)
      else if (a.details?.detector === p.detector) attributed++
    }
    const decoyFlagged = fake.decoys.filter((d) => assets.some((a) => a.path === join(home, d.rel)))
    const recall = (fake.plants.length - missed.length) / fake.plants.length
    const providers = new Set(fake.plants.map((p) => p.detector)).size
    // Reported in the benchmark summary (README); not an assertion on timing.
    console.log(
      `secrets detection: ${fake.plants.length - missed.length}/${fake.plants.length} keys ` +
        `(${(recall * 100).toFixed(1)}%) across ${providers} detector rows, ` +
        `${attributed} with the expected detector; decoys flagged ${decoyFlagged.length}/${fake.decoys.length}` +
        (missed.length ? `; missed: ${missed.join(', ')}` : '') +
        (decoyFlagged.length ? `; flagged: ${decoyFlagged.map((d) => d.name).join(', ')}` : ''),
    )
    expect(fake.plants.length).toBeGreaterThanOrEqual(56)
    expect(fake.decoys.length).toBeGreaterThanOrEqual(30)
    expect(recall).toBeGreaterThanOrEqual(0.95)
    expect(attributed).toBe(fake.plants.length - missed.length)
    expect(decoyFlagged.length).toBeLessThanOrEqual(1)

    // Zero cleartext: no planted value appears anywhere in what the pass returns.
    const blob = JSON.stringify({ assets, findings })
    for (const p of fake.plants) expect(blob.includes(p.value), p.maker).toBe(false)
  })
})
