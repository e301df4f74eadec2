import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { STORE_LOCATORS } from '../../../src/core/discovery/stores'
import { scan } from '../../../src/core/engine/scan'
import { REPO_RULES } from '../../../src/core/rules/repo-rules'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { makeFakeHome } from '../../fixtures/generators/fake-home'
import { buildStoresHome } from '../../fixtures/generators/homes/stores-home'
import { link, put, sha256 } from '../../fixtures/generators/homes/stores-files'
import { nemoArchive } from '../../fixtures/generators/repo/archives'
import type { RepoFiles } from '../../fixtures/generators/repo/repos'
import {
  MALICIOUS_TARGETS,
  benignRemoteCodeRepo,
  MALICIOUS_CODE,
  maliciousRemoteCodeRepo,
  writeRepo,
} from '../../fixtures/generators/repo/repos'
import { makeTestContext } from '../../helpers/discovery-context'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

const NEW_RULES = new Set(REPO_RULES.map((r) => r.id))
const COMMIT = 'c'.repeat(40)

/** Writes a repository into a Hugging Face hub cache the way huggingface_hub lays it out. */
function hubRepo(hub: string, id: string, files: RepoFiles): string {
  const dir = join(hub, `models--${id.replace('/', '--')}`)
  for (const [rel, data] of Object.entries(files)) {
    const blob = put(join(dir, 'blobs', sha256(data)), data)
    link(join(dir, 'snapshots', COMMIT, rel), blob)
  }
  put(join(dir, 'refs', 'main'), COMMIT)
  return dir
}

describe('repositories found by `scan`', () => {
  it('a Hugging Face cache repo says whether it needs trust_remote_code; dangerous code is a finding on it', async () => {
    const fake = makeFakeHome()
    const dbDir = mkdtempSync(join(tmpdir(), 'aiscout-repo-db-'))
    cleanup.push(fake.home, dbDir)
    const hub = join(fake.home, '.cache', 'huggingface', 'hub')
    const evil = hubRepo(hub, 'acme/evil', maliciousRemoteCodeRepo(MALICIOUS_CODE[0]!.code))
    const good = hubRepo(hub, 'acme/custom', benignRemoteCodeRepo())
    const nemo = hubRepo(hub, 'acme/asr-nemo', {
      'asr.nemo': nemoArchive({ config: MALICIOUS_TARGETS[0]!.yaml }),
      'README.md': '# ASR\n',
    })
    const project = writeRepo(join(fake.home, 'work', 'my-model'), benignRemoteCodeRepo())
    const bad = writeRepo(
      join(fake.home, 'work', 'exported'),
      maliciousRemoteCodeRepo(MALICIOUS_CODE[4]!.code, true),
    )
    const db = openDb(join(dbDir, 'inv.db'))
    await scan(db, { home: fake.home, env: {} })
    const inv = openInventoryReader(db)
    const assets = [...inv.assets()]
    const findings = [...inv.findings()]
    const at = (p: string) => assets.find((a) => a.path === p)
    expect(at(evil)?.details).toMatchObject({ trustRemoteCode: true })
    expect(at(evil)?.verdict).toBe('malicious')
    const f = findings.find(
      (x) => x.ruleId === 'code.process-execution' && x.assetId === at(evil)?.id,
    )
    expect(f?.path).toBe(join(evil, 'snapshots', COMMIT, 'modeling_foo.py'))
    expect(f?.line).toBe(2)
    expect(at(good)?.details).toMatchObject({ trustRemoteCode: true })
    expect(at(good)?.verdict).toBe('suspicious')
    // A .nemo checkpoint in the cache is scanned as one of the repo's parts: its config's
    // _target_ is found, and the repo (one model) takes its verdict.
    const nemoParts = (at(nemo)?.details.parts ?? []) as { name: string }[]
    expect(nemoParts.find((p) => p.name === 'asr.nemo')).toMatchObject({
      format: 'nemo',
      verdict: 'malicious',
    })
    expect(at(nemo)?.verdict).toBe('malicious')
    // Project folders found by the crawl.
    expect(at(project)).toMatchObject({ format: 'model-repository', verdict: 'suspicious' })
    expect(at(project)?.details).toMatchObject({ trustRemoteCode: true })
    expect(at(bad)?.verdict).toBe('malicious')
    expect(
      findings.some(
        (x) => x.ruleId === 'code.dynamic-execution' && x.path === join(bad, 'layers_foo.py'),
      ),
    ).toBe(true)
    // Nothing new is reported on the fake home's own files.
    const stray = findings.filter(
      (x) =>
        NEW_RULES.has(x.ruleId) &&
        ![evil, good, nemo, project, bad].some((d) => x.path.startsWith(d)),
    )
    expect(stray).toEqual([])
    db.close()
  })

  it('no false positive on the tokenizer and model configs of the store fake homes', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const built = buildStoresHome(platform)
      cleanup.push(built.root)
      const t = makeTestContext({ home: built.home, platform })
      for (const l of STORE_LOCATORS) await l.locate(t.ctx)
      expect(t.findings.filter((f) => NEW_RULES.has(f.ruleId))).toEqual([])
      const repos = t.assets.filter((a) => a.details?.['trustRemoteCode'] !== undefined)
      expect(repos.length).toBeGreaterThan(0)
    }
  })
})
