// Shared plumbing of the benchmarks: where they write, how they bundle the TypeScript they
// measure, and how they time it.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** bench/.work (gitignored): generated inputs, bundles and outputs. */
export const WORK = workDir()

/** bench/.work or its subfolder `sub` (a benchmark's own), created. */
export function workDir(sub) {
  const dir = sub ? join(ROOT, 'bench', '.work', sub) : join(ROOT, 'bench', '.work')
  mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * Bundles a TypeScript entry (relative to the root) into one CommonJS file for Node and returns
 * its path. `options` adds esbuild options (`external`, `packages: 'external'`, ...). esbuild is
 * loaded only here, so a benchmark run with a prebuilt bundle needs no node_modules.
 */
export function bundle(entry, outfile, options = {}) {
  const { buildSync } = createRequire(import.meta.url)('esbuild')
  buildSync({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    ...options,
  })
  return outfile
}

/** A start mark for msSince. */
export function now() {
  return process.hrtime.bigint()
}

/** Milliseconds since a `now()` mark. */
export function msSince(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6
}

/** Median of a list of numbers (the upper one of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** A cheap deterministic 64-hex string (a stand-in SHA-256: benches measure other things). */
export function hex(i, salt) {
  let x = (i * 2654435761 + salt) >>> 0
  let s = ''
  for (let j = 0; j < 8; j++) {
    x = (x * 1103515245 + 12345) >>> 0
    s += x.toString(16).padStart(8, '0')
  }
  return s
}

/**
 * Runs a command under /usr/bin/time; returns wall, user+sys CPU seconds and max RSS (MiB). Exit
 * statuses other than those in `ok` throw (the CLI exits 1 for a finished scan with findings).
 */
export function timed(cmd, cmdArgs, opts = {}, ok = [0]) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...cmdArgs], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...opts,
  })
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr)
  if (!ok.includes(r.status) || !m)
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`)
  return { wall: +m[1], cpu: +m[2] + +m[3], rssMiB: +m[4] / 1024, stdout: r.stdout }
}

/**
 * The synthetic benchmark home (bench/gen-home.mjs), generated once and reused: 300k files with
 * 1.1 GB of big models, or 30k files and 128 MB with `quick`. Returns its path.
 */
export function benchHome(quick) {
  const home = join(WORK, quick ? 'home-30k' : 'home-300k')
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'bench/gen-home.mjs'),
      home,
      '--files',
      quick ? '30000' : '300000',
      '--big-models-mb',
      quick ? '128' : '1100',
    ],
    { stdio: 'inherit' },
  )
  return home
}
