import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFakeHome, maliciousPickle, safetensors } from '../fixtures/generators/fake-home'

const ROOT = resolve(__dirname, '../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-cli-'))

function run(args: string[], opts: { uid?: number; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    uid: opts.uid,
    gid: opts.uid,
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function loadSchemaValidator() {
  const schema = JSON.parse(
    readFileSync(join(ROOT, 'resources/schemas/scan-output.schema.json'), 'utf8'),
  )
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  return ajv.compile(schema)
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('aiscout scan', () => {
  const fake = makeFakeHome()
  const db = join(tmp, 'scan.db')
  let json: {
    assets: { kind: string; path: string; verdict?: string; details: Record<string, unknown> }[]
    findings: { ruleId: string; severity: string; path: string }[]
    skipped: unknown[]
    scan: { roots: string[] }
  }
  let code: number | null

  beforeAll(() => {
    const r = run(['scan', '--home', fake.home, '--db', db, '--format', 'json'])
    code = r.code
    expect(r.stderr).toBe('')
    json = JSON.parse(r.stdout)
  })

  it('produces schema-valid JSON and exits 1 when findings at or above medium exist', () => {
    const validate = loadSchemaValidator()
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true)
    expect(code).toBe(1)
    expect(json.scan.roots).toEqual([fake.home])
  })

  it('finds the pickle hiding behind .safetensors by content and calls it malicious', () => {
    const evil = json.assets.find((a) => a.path === fake.paths.evil)
    expect(evil).toMatchObject({ kind: 'model', verdict: 'malicious' })
    const rules = json.findings.filter((f) => f.path === fake.paths.evil).map((f) => f.ruleId)
    expect(rules).toContain('engine.extension-mismatch')
    expect(json.findings.some((f) => f.path === fake.paths.evil && f.severity === 'critical')).toBe(
      true,
    )
  })

  it('lists a real safetensors file as a safe model', () => {
    expect(json.assets.find((a) => a.path === fake.paths.good)).toMatchObject({
      kind: 'model',
      verdict: 'safe',
    })
  })

  it('lists nothing for decoys: a text .pt, random bytes .bin, models inside node_modules', () => {
    const paths = json.assets.map((a) => a.path)
    expect(paths).not.toContain(fake.paths.textPt)
    expect(paths).not.toContain(fake.paths.randomBin)
    expect(paths.some((p) => p.includes('node_modules'))).toBe(false)
    expect(json.findings.some((f) => f.path.includes('node_modules'))).toBe(false)
  })

  it('never writes the planted key in cleartext: not in stdout, the SQLite file or its WAL', () => {
    expect(JSON.stringify(json)).not.toContain(fake.key)
    for (const f of readdirSync(tmp).filter((n) => n.startsWith('scan.db'))) {
      expect(readFileSync(join(tmp, f)).includes(Buffer.from(fake.key)), f).toBe(false)
    }
    const secret = json.assets.find((a) => a.kind === 'secret') as
      | {
          path: string
          details: Record<string, unknown>
          provider?: string
          line?: number
          redacted?: string
          fingerprint?: string
        }
      | undefined
    expect(secret?.details.redacted).toMatch(/^sk-proj-.*…/)
    expect(secret?.details.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    // The documented top-level fields of a secret asset.
    expect(secret).toMatchObject({ path: fake.paths.env, line: 2 })
    expect(secret?.provider).toMatch(/openai/i)
    expect(secret?.redacted).toBe(secret?.details.redacted)
    expect(secret?.fingerprint).toBe(secret?.details.fingerprint)
  })

  it('prints a human table by default', () => {
    const r = run(['scan', '--home', fake.home, '--db', db])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Assets/)
    expect(r.stdout).toMatch(/model\s+\d+/)
    expect(r.stdout).toMatch(/Findings/)
  })

  it('exports the stored inventory in every format without rescanning', () => {
    for (const format of ['json', 'csv', 'sarif', 'cyclonedx', 'html']) {
      const out = join(tmp, `export.${format}`)
      const r = run(['export', '--format', format, '--db', db, '--out', out])
      expect(r.code, r.stderr).toBe(0)
      const body = readFileSync(out, 'utf8')
      expect(body.length).toBeGreaterThan(100)
      expect(body).not.toContain(fake.key)
    }
  })

  it('exports CSV as two files: assets in FILE, findings with why and fix in FILE.findings.csv', () => {
    const out = join(tmp, 'inventory.csv')
    const r = run(['export', '--format', 'csv', '--db', db, '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(join(tmp, 'inventory.findings.csv'))
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toMatch(/^id,kind,/)
    const findings = readFileSync(join(tmp, 'inventory.findings.csv'), 'utf8').split('\r\n')
    expect(findings[0]).toBe(
      'id,severity,ruleId,title,message,path,line,member,offset,callable,assetId,why,fix',
    )
    expect(findings.filter(Boolean).length).toBeGreaterThan(1)
    expect(findings.join('\n')).not.toContain(fake.key)
  })
})

describe('aiscout errors', () => {
  it('rejects bad arguments with one line and usage, never a stack trace (exit 2)', () => {
    for (const args of [
      ['scan', '--bogus'],
      ['scan', '--format', 'xml'],
      ['frobnicate'],
      ['scan', '--home'],
    ]) {
      const r = run(args)
      expect(r.code).toBe(2)
      expect(r.stderr.split('\n')[0]).toMatch(/^aiscout: /)
      expect(r.stderr).toMatch(/Usage:/)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('exits 2 with a clear message for an unusable database', () => {
    const home = mkdtempSync(join(tmp, 'h-'))
    const notDb = join(tmp, 'not.db')
    writeFileSync(notDb, 'x'.repeat(5000))
    const r = run(['scan', '--home', home, '--db', notDb])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/inventory database/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 2 with one line for an unwritable --out, for scan and export', () => {
    const home = mkdtempSync(join(tmp, 'h-'))
    const db = join(tmp, 'out.db')
    const blocker = join(tmp, 'a-file')
    writeFileSync(blocker, 'x')
    const target = join(blocker, 'x.json') // a path under a regular file: ENOTDIR
    for (const args of [
      ['scan', '--home', home, '--db', db, '--format', 'json', '--out', target],
      ['export', '--format', 'json', '--db', db, '--out', target],
    ]) {
      const r = run(args)
      expect(r.code).toBe(2)
      expect(r.stderr.startsWith(`aiscout: cannot write ${target}`)).toBe(true)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('export never creates an empty database: a missing --db is an error (exit 2)', () => {
    const missing = join(tmp, 'never-scanned.db')
    const r = run(['export', '--format', 'json', '--db', missing])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no inventory database/)
    expect(existsSync(missing)).toBe(false)
  })

  it('exits 2 when --home is not a directory', () => {
    const r = run(['scan', '--home', join(tmp, 'missing'), '--db', join(tmp, 'x.db')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not a directory/)
  })
})

describe('a mode-000 directory, scanned as a non-root user', () => {
  it('is recorded as skipped with a reason and the scan goes on', () => {
    const home = mkdtempSync(join(tmpdir(), 'aiscout-perm-'))
    chmodSync(home, 0o755)
    mkdirSync(join(home, 'locked'))
    mkdirSync(join(home, 'open'))
    writeFileSync(join(home, 'open', 'model.safetensors'), safetensors())
    writeFileSync(join(home, 'locked', 'evil.pkl'), maliciousPickle())
    chmodSync(join(home, 'locked'), 0o000)
    const dbDir = mkdtempSync(join(tmpdir(), 'aiscout-perm-db-'))
    chmodSync(dbDir, 0o777)
    // As root, drop to `nobody` so the kernel really refuses the read (root ignores modes).
    const uid = process.getuid?.() === 0 ? 65534 : undefined
    if (uid !== undefined)
      execFileSync('chmod', ['o+rx', ROOT, join(ROOT, 'out'), join(ROOT, 'out/cli')])
    const r = run(['scan', '--home', home, '--db', join(dbDir, 'p.db'), '--format', 'json'], {
      uid,
    })
    chmodSync(join(home, 'locked'), 0o755)
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.skipped).toContainEqual(
      expect.objectContaining({
        path: join(home, 'locked'),
        reason: 'permission-denied',
        code: 'EACCES',
      }),
    )
    expect(out.assets.map((a: { path: string }) => a.path)).toContain(
      join(home, 'open', 'model.safetensors'),
    )
    rmSync(home, { recursive: true, force: true })
    rmSync(dbDir, { recursive: true, force: true })
  })
})

describe('aiscout scan-model', () => {
  const dir = mkdtempSync(join(tmp, 'models-'))
  const evil = join(dir, 'evil.safetensors')
  const good = join(dir, 'good.safetensors')
  const copy = join(dir, 'sub', 'copy-of-good.safetensors')
  const notes = join(dir, 'notes.txt')
  beforeAll(() => {
    writeFileSync(evil, maliciousPickle())
    writeFileSync(good, safetensors())
    mkdirSync(join(dir, 'sub'))
    writeFileSync(copy, safetensors())
    writeFileSync(notes, 'plain text, not a model')
  })

  it('reports every model file in a directory with the documented JSON shape and exits 1 on a malicious file', () => {
    const r = run(['scan-model', '--format', 'json', dir])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as {
      files: {
        path: string
        format: string
        verdict: string
        sha256: string | null
        findings: { ruleId: string; severity: string; callable?: string }[]
      }[]
    }
    const byPath = new Map(out.files.map((f) => [f.path, f]))
    expect([...byPath.keys()].sort()).toEqual([copy, evil, good].sort())
    expect(byPath.get(evil)).toMatchObject({ format: 'pickle', verdict: 'malicious' })
    expect(
      byPath
        .get(evil)!
        .findings.some((f) => f.severity === 'critical' && /system/.test(f.callable ?? '')),
    ).toBe(true)
    expect(byPath.get(good)).toMatchObject({ format: 'safetensors', verdict: 'safe', findings: [] })
    // Duplicates by content are each reported.
    expect(byPath.get(copy)!.sha256).toBe(byPath.get(good)!.sha256)
  })

  it('calls a file named explicitly that matches no format unknown/invalid (exit 2), never safe', () => {
    const r = run(['scan-model', '--format', 'json', notes])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).files).toEqual([
      expect.objectContaining({ path: notes, format: 'unknown', verdict: 'invalid' }),
    ])
  })

  it('--no-hash skips the digest and keeps the verdicts', () => {
    const out = JSON.parse(run(['scan-model', '--no-hash', '--format', 'json', dir]).stdout)
    expect(out.files.map((f: { sha256: string | null }) => f.sha256)).toEqual([null, null, null])
    expect(out.files.find((f: { path: string }) => f.path === evil).verdict).toBe('malicious')
  })

  it('exits 0 for safe files, 2 for a missing path, and writes valid SARIF', () => {
    expect(run(['scan-model', good]).code).toBe(0)
    expect(run(['scan-model', join(dir, 'missing.gguf')]).code).toBe(2)
    const sarif = JSON.parse(run(['scan-model', '--format', 'sarif', evil]).stdout)
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results.length).toBeGreaterThan(0)
  })
})
