import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maliciousPickle, safetensors, write } from '../fixtures/generators/fake-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-path-'))

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: tmp, NO_COLOR: '1' },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('aiscout scan --path', () => {
  const home = join(tmp, 'home')
  const db = join(tmp, 'inv.db')
  const model = join(home, 'models', 'a.safetensors')
  const other = join(home, 'models', 'b.safetensors')

  beforeAll(() => {
    write(model, safetensors())
    write(other, safetensors())
    expect(run(['scan', '--home', home, '--db', db, '--quiet', '--format', 'json']).code).toBe(0)
  })

  it('prints what changed as JSON and exits 1 when it opened a finding at medium or above', () => {
    writeFileSync(model, maliciousPickle())
    const r = run(['scan', '--home', home, '--db', db, '--path', model, '--format', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout)
    expect(doc.schemaVersion).toBe(1)
    expect(doc.scan.scope).toEqual({ kind: 'paths', paths: [model] })
    // The file's asset changed (now a pickle); its copy lost the same-weights link to it.
    expect(doc.delta.assets.changed.map((a: { path: string }) => a.path).sort()).toEqual(
      [model, other].sort(),
    )
    expect(doc.delta.assets.added).toEqual([])
    expect(doc.delta.findings.opened.map((f: { ruleId: string }) => f.ruleId)).toContain(
      'pickle.dangerous-callable',
    )
  })

  it('prints a table of the delta; an unchanged path changes nothing (exit 0); a deleted file is gone', () => {
    const same = run(['scan', '--home', home, '--db', db, '--path', other])
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('assets: 0 added, 0 changed, 0 gone')
    rmSync(model)
    const gone = run(['scan', '--home', home, '--db', db, '--path', model])
    expect(gone.code).toBe(0)
    expect(gone.stdout).toContain('assets: 0 added, 0 changed, 1 gone')
    expect(gone.stdout).toContain('findings: 0 opened, 0 changed, 2 resolved')
    expect(gone.stdout).toContain(`- model`)
  })

  it('refuses report formats other than table and json, and --path with --locator', () => {
    const r = run(['scan', '--home', home, '--db', db, '--path', other, '--format', 'sarif'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--path and --locator print what the scan changed')
    const both = run(['scan', '--home', home, '--db', db, '--path', other, '--locator', 'ollama'])
    expect(both.code).toBe(2)
  })

  it('the latest full scan still describes the inventory in exports', () => {
    const r = run(['export', '--db', db, '--format', 'json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.scan.roots).toEqual([home])
    const models = doc.assets.filter((a: { kind: string }) => a.kind === 'model')
    expect(models.map((a: { path: string }) => a.path)).toEqual([other])
  })
})
