// A throwaway PostgreSQL cluster for the server's PostgreSQL tests and benchmarks: initdb in a
// temporary folder, listening on loopback only, on a free port; stopped and removed by stop().
// PostgreSQL refuses to run as root, so under root the cluster runs as the `postgres` user
// (created by the Debian package) through runuser.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

const DEFAULT_BIN = '/usr/lib/postgresql/15/bin'

export function pgBinDir() {
  const dir = process.env.AISCOUT_PG_BIN || DEFAULT_BIN
  if (!existsSync(join(dir, 'initdb')) || !existsSync(join(dir, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL 15 server binaries not found in ${dir}: install the Debian package \`postgresql\` ` +
        '(`.ci/run` does) or point AISCOUT_PG_BIN at a folder holding initdb and pg_ctl',
    )
  }
  return dir
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function runAs(user, bin, args) {
  const cmd = user ? 'runuser' : bin
  const argv = user ? ['-u', user, '--', bin, ...args] : args
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 })
  if (r.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`)
  }
  return r.stdout
}

/**
 * Starts a cluster. `durable: false` (tests) turns fsync off: the tests kill our server, never
 * PostgreSQL. Benchmarks keep PostgreSQL's defaults.
 * Returns { url, adminUrl, port, dir, createDatabase(name), stop() }.
 */
export async function startPgCluster(opts = {}) {
  const bin = pgBinDir()
  const asUser = userInfo().uid === 0 ? 'postgres' : undefined
  const dir = mkdtempSync(join(opts.parent ?? tmpdir(), 'aiscout-pg-'))
  if (asUser) {
    const uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  runAs(asUser, join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'aiscout',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ])
  const port = opts.port ?? (await freePort())
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    `-h 127.0.0.1`,
    '-c max_connections=200',
    '-c shared_buffers=128MB',
    ...(opts.durable
      ? []
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ...(opts.settings ?? []),
  ].join(' ')
  try {
    runAs(asUser, join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '60',
      '-o',
      settings,
      'start',
    ])
  } catch (e) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : ''
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`${e.message}\n${log.slice(-2000)}`)
  }
  const base = `postgres://aiscout@127.0.0.1:${port}`
  let stopped = false
  return {
    port,
    dir,
    adminUrl: `${base}/postgres`,
    urlFor: (db) => `${base}/${db}`,
    /** Creates an empty database (names: letters, digits, underscore) and returns its URL. */
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
      runAs(asUser, join(bin, 'psql'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'aiscout',
        '-d',
        'postgres',
        '-qc',
        `CREATE DATABASE ${name}`,
      ])
      return `${base}/${name}`
    },
    stop() {
      if (stopped) return
      stopped = true
      try {
        runAs(asUser, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
