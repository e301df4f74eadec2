import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  benignRemoteCodeRepo,
  MALICIOUS_CODE,
  maliciousRemoteCodeRepo,
  writeRepo,
} from '../fixtures/generators/repo/repos'

const CLI = join(resolve(__dirname, '../..'), 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-repo-'))

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

type RepoJson = {
  path: string
  verdict: string
  trustRemoteCode: boolean
  customCode: { file: string }[]
  findings: { ruleId: string; severity: string; file: string; line?: number; callable?: string }[]
}

describe('aiscout scan-model DIR reads the folder as a model repository', () => {
  it('a repository with harmless custom code: trust_remote_code needed, low finding, files safe', () => {
    const dir = writeRepo(join(tmp, 'benign'), benignRemoteCodeRepo())
    const r = run(['scan-model', '--format', 'json', dir])
    const out = JSON.parse(r.stdout) as { files: { verdict: string }[]; repositories: RepoJson[] }
    expect(out.files.every((f) => f.verdict === 'safe')).toBe(true)
    expect(out.repositories).toHaveLength(1)
    expect(out.repositories[0]).toMatchObject({ path: dir, trustRemoteCode: true })
    expect(out.repositories[0]!.findings.map((f) => f.ruleId)).toEqual(['repo.custom-code'])
    expect(r.code).toBe(1)
  })

  it('dangerous custom code is critical with file, line and call, in JSON, table and SARIF', () => {
    const dir = writeRepo(join(tmp, 'evil'), maliciousRemoteCodeRepo(MALICIOUS_CODE[0]!.code))
    const r = run(['scan-model', '--format', 'json', dir])
    expect(r.code).toBe(1)
    const repo = (JSON.parse(r.stdout) as { repositories: RepoJson[] }).repositories[0]!
    expect(repo.verdict).toBe('malicious')
    expect(repo.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'code.process-execution',
        severity: 'critical',
        file: 'modeling_foo.py',
        line: 2,
        callable: 'os.system',
      }),
    )
    const table = run(['scan-model', dir]).stdout
    expect(table).toMatch(/MALICIOUS\s+repository/)
    expect(table).toContain('modeling_foo.py:2')
    const sarif = JSON.parse(run(['scan-model', '--format', 'sarif', dir]).stdout)
    const res = sarif.runs[0].results.find(
      (x: { ruleId: string }) => x.ruleId === 'code.process-execution',
    )
    expect(res.locations[0].physicalLocation.region.startLine).toBe(2)
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/modeling_foo\.py$/)
  })

  it('a folder with no model config gives no repository entry', () => {
    const dir = writeRepo(join(tmp, 'plain'), { 'notes.txt': 'hello' })
    const out = JSON.parse(run(['scan-model', '--format', 'json', dir]).stdout)
    expect(out.repositories).toEqual([])
  })
})
