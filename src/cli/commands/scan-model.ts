import type { ModelFileReport, RepositoryReport } from '../../core/model-scan'
import {
  modelScanJson,
  modelScanExitCode,
  scanModelTargets,
  writeModelReportsSarif,
} from '../../core/model-scan'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { color, openOutput, plural } from '../output'
import { VERSION } from '../version'

const SPEC = {
  format: { type: 'string' },
  out: { type: 'string' },
  hash: { type: 'boolean' },
} as const
const FORMATS = ['table', 'json', 'sarif'] as const

/**
 * `aiscout scan-model PATH...`: static verdicts for model files (the library is
 * core/model-scan). Every path given is reported; directories are walked for model candidates
 * and also read as model repositories: the custom code their configs make loaders run
 * (trust_remote_code) and the instantiation entries of their YAML/JSON configs.
 */
export async function runScanModel(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  const format = oneOf(flags.format, FORMATS, 'format', 'table')
  if (positionals.length === 0) throw new UsageError('scan-model needs at least one PATH')
  const { files: reports, repositories: repos } = await scanModelTargets(
    positionals.map((p) => resolvePath(io, p)),
    { hash: flags.hash !== false },
  )
  const out = flags.out
    ? openOutput(resolvePath(io, flags.out as string))
    : { stream: io.stdout, close: async () => {} }
  switch (format) {
    case 'json':
      out.stream.write(
        JSON.stringify(await modelScanJson({ files: reports, repositories: repos }), null, 2) +
          '\n',
      )
      break
    case 'sarif':
      await writeModelReportsSarif(reports, out.stream, VERSION, repos)
      break
    case 'table':
      out.stream.write(renderTable(reports, repos))
      break
  }
  await out.close()
  return modelScanExitCode(reports, repos)
}

const VERDICT_COLOR = { malicious: 31, suspicious: 33, invalid: 35, safe: 32 } as const

function renderTable(
  reports: readonly ModelFileReport[],
  repos: readonly RepositoryReport[],
): string {
  const lines: string[] = []
  for (const r of reports) {
    lines.push(
      `${color(VERDICT_COLOR[r.verdict], r.verdict.toUpperCase().padEnd(10))} ${r.format.padEnd(15)} ${r.path}`,
    )
    for (const f of r.findings) {
      const where = [f.member, f.offset !== undefined ? `@${f.offset}` : undefined]
        .filter(Boolean)
        .join(' ')
      lines.push(
        `    ${f.severity.padEnd(8)} ${f.ruleId}${where ? ` (${where})` : ''}: ${f.message}`,
      )
    }
  }
  for (const r of repos) {
    lines.push(
      `${color(VERDICT_COLOR[r.verdict], r.verdict.toUpperCase().padEnd(10))} ${'repository'.padEnd(15)} ${r.root} (trust_remote_code: ${r.needsTrustRemoteCode ? 'needed' : 'not needed'})`,
    )
    for (const f of r.findings) {
      const where = `${f.file}${f.line !== undefined ? `:${f.line}` : ''}`
      lines.push(`    ${f.severity.padEnd(8)} ${f.ruleId} (${where}): ${f.message}`)
    }
  }
  const n = (v: string) => reports.filter((r) => r.verdict === v).length
  lines.push('')
  lines.push(
    `${plural(reports.length, 'file')}: ${n('malicious')} malicious, ${n('suspicious')} suspicious, ${n('invalid')} invalid, ${n('safe')} safe`,
  )
  return lines.join('\n') + '\n'
}
