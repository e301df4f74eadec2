import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openStorage } from '../../../src/server/storage/open'
import { checkPassword } from '../../../src/server/storage/users'
import { CLI } from '../helpers/server-process'

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
    input,
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('out/cli/aiscout.js is missing: run `npm run build` first')
})

describe('aiscout server admin', () => {
  it('creates users from a password file (or stdin), with roles; refuses weak input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiscout-admin-'))
    const data = join(dir, 'server')
    const pw = join(dir, 'pw')
    writeFileSync(pw, 'a long enough password\n', { mode: 0o600 })
    const c = run([
      'server',
      'admin',
      'create',
      '--data',
      data,
      '--user',
      'ada',
      '--password-file',
      pw,
    ])
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toMatch(/created dashboard user ada \(admin\)/)
    expect(c.stdout).not.toContain('a long enough password')
    const v = run(
      [
        'server',
        'admin',
        'create',
        '--data',
        data,
        '--user',
        'vic',
        '--role',
        'viewer',
        '--password-file',
        '-',
      ],
      'viewer secret 12345\n',
    )
    expect(v.code, v.stderr).toBe(0)
    // Again without --replace: refused; with it, the password changes.
    expect(
      run(['server', 'admin', 'create', '--data', data, '--user', 'ada', '--password-file', pw])
        .code,
    ).toBe(2)
    writeFileSync(pw, 'another long password')
    expect(
      run([
        'server',
        'admin',
        'create',
        '--data',
        data,
        '--user',
        'ada',
        '--password-file',
        pw,
        '--replace',
      ]).code,
    ).toBe(0)
    const l = run(['server', 'admin', 'list', '--data', data])
    expect(l.stdout).toMatch(/^ada\tadmin/m)
    expect(l.stdout).toMatch(/^vic\tviewer/m)
    writeFileSync(pw, 'short')
    const weak = run([
      'server',
      'admin',
      'create',
      '--data',
      data,
      '--user',
      'x',
      '--password-file',
      pw,
    ])
    expect(weak.code).toBe(2)
    expect(weak.stderr).toMatch(/12-1024 characters/)
    expect(
      run(
        ['server', 'admin', 'create', '--data', data, '--user', '../x', '--password-file', '-'],
        'x'.repeat(20),
      ).code,
    ).toBe(2)
    expect(run(['server', 'admin', 'create', '--data', data, '--user', 'y']).code).toBe(2)
    expect(
      run([
        'server',
        'admin',
        'create',
        '--data',
        data,
        '--user',
        'y',
        '--password-file',
        join(dir, 'none'),
      ]).code,
    ).toBe(2)

    const storage = await openStorage({ dataDir: data })
    try {
      expect(await checkPassword(storage, 'ada', 'another long password')).toMatchObject({
        role: 'admin',
      })
      expect(await checkPassword(storage, 'ada', 'a long enough password')).toBeUndefined()
      expect(await checkPassword(storage, 'vic', 'viewer secret 12345')).toMatchObject({
        role: 'viewer',
      })
      const row = await storage.db
        .selectFrom('users' as never)
        .selectAll()
        .execute()
      expect(JSON.stringify(row)).toMatch(/scrypt\$32768\$8\$1\$/)
      expect(JSON.stringify(row)).not.toContain('another long password')
    } finally {
      await storage.close()
    }
  })
})
