// Runs electronegativity (Electron security lint) over src/ and fails on any medium or high
// result that build/electronegativity-allow.json does not list with a reason, and on an allow-list
// entry that matches nothing any more. Offline it prints a harmless "No connectivity?" line: the
// Electron version is given instead of fetched.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const root = join(import.meta.dirname, '..')
const electron = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
// Arguments (tests): the folder to check (default src) and the allow-list (default build/…).
const input = process.argv[2] ?? 'src'
const allowFile = process.argv[3] ?? join(root, 'build/electronegativity-allow.json')
const allow = JSON.parse(readFileSync(allowFile, 'utf8')).allow
// Its runner is called in this process and hands back its results. Not its CLI's report file:
// the CLI writes the CSV header and the rows with two concurrent fs.writeFile calls (the header's
// truncating), so on a loaded machine the header could land last and the report held no result.
const runElectronegativity = require('@doyensec/electronegativity/dist/runner.js')

process.chdir(root)
const { issues, errors } = await runElectronegativity({
  input,
  isRelative: true,
  electronVersionOverride: electron,
})
const parseErrors = errors.filter((e) => !e.tolerable)
for (const e of parseErrors) console.error(`Error parsing ${e.file}: ${e.message}`)
if (parseErrors.length) process.exitCode = 1
{
  const results = issues.map((i) => ({
    check: i.id,
    severity: i.severity.name,
    file: i.file,
    location: `${i.location.line}:${i.location.column}`,
    sample: i.sample ?? 'N/A',
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
}
