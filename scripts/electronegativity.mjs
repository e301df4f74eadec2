// Runs electronegativity (Electron security lint) over src/ and fails on any medium or high
// result that build/electronegativity-allow.json does not list with a reason, and on an allow-list
// entry that matches nothing any more. Offline it prints a harmless "No connectivity?" line: the
// Electron version is given (-e) instead of fetched.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const root = join(import.meta.dirname, '..')
const electron = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
// Arguments (tests): the folder to check (default src) and the allow-list (default build/…).
const input = process.argv[2] ?? 'src'
const allowFile = process.argv[3] ?? join(root, 'build/electronegativity-allow.json')
const allow = JSON.parse(readFileSync(allowFile, 'utf8')).allow
const bin = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js')
const dir = mkdtempSync(join(tmpdir(), 'aiscout-en-'))
const out = join(dir, 'report.csv')
/**
 * One run of electronegativity: its rows (header dropped), or a reason to distrust the run. On a
 * loaded machine it has now and then reported a single result for an unchanged tree, so a run
 * that names a file it could not parse, or disagrees with the allow-list, is repeated once; a real
 * change fails both runs the same way.
 */
function runOnce() {
  const r = spawnSync(process.execPath, [bin, '-i', input, '-r', '-e', electron, '-o', out], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr)
    throw new Error(`electronegativity exited with ${r.status}`)
  }
  const parseErrors = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => l.includes('Error parsing') && !l.includes('Tolerable'))
  return { rows: parseCsv(readFileSync(out, 'utf8')).slice(1), parseErrors }
}

try {
  let run = runOnce()
  const suspect = (x) => x.parseErrors.length > 0 || mismatch(x.rows)
  if (suspect(run)) {
    console.error('electronegativity: repeating a run that disagrees with the allow-list')
    run = runOnce()
  }
  for (const l of run.parseErrors) console.error(l)
  if (run.parseErrors.length) process.exitCode = 1
  const rows = run.rows
  const results = rows.map(([check, severity, confidence, file, location, sample]) => ({
    check,
    severity,
    confidence,
    file,
    location,
    sample,
  }))
  const serious = results.filter((x) => x.severity === 'HIGH' || x.severity === 'MEDIUM')
  const used = new Set()
  const unlisted = serious.filter((x) => {
    const i = allow.findIndex(
      (a) => a.check === x.check && a.file === x.file && x.sample.includes(a.match),
    )
    if (i >= 0) used.add(i)
    return i < 0
  })
  const stale = allow.filter((_, i) => !used.has(i))
  console.log(
    `electronegativity ${electron}: ${results.length} results, ${serious.length} medium/high, ${serious.length - unlisted.length} allowed with a reason`,
  )
  for (const x of unlisted)
    console.error(`NOT ALLOWED ${x.severity} ${x.check} ${x.file}:${x.location} ${x.sample}`)
  for (const a of stale)
    console.error(`STALE allow-list entry (matches nothing): ${a.check} ${a.file} "${a.match}"`)
  if (unlisted.length || stale.length) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/** RFC 4180 CSV (quoted fields, doubled quotes, commas and newlines inside quotes). */
/** Whether rows leave a medium/high result unlisted, or an allow-list entry unused. */
function mismatch(rows) {
  const serious = rows.filter(([, severity]) => severity === 'HIGH' || severity === 'MEDIUM')
  const used = new Set()
  for (const [check, , , file, , sample] of serious) {
    const i = allow.findIndex(
      (a) => a.check === check && a.file === file && sample.includes(a.match),
    )
    if (i < 0) return true
    used.add(i)
  }
  return used.size !== allow.length
}

function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field.trim())
      field = ''
    } else if (c === '\n') {
      row.push(field.trim())
      rows.push(row)
      row = []
      field = ''
    } else if (c !== '\r') field += c
  }
  if (field || row.length) {
    row.push(field.trim())
    rows.push(row)
  }
  return rows
}
