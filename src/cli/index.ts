import { isUsageError, UsageError } from './args'
import type { Io } from './io'
import { defaultIo } from './io'
import { VERSION } from './version'

export const USAGE = `AI Scout ${VERSION}: find and judge AI assets on this machine

Usage:
  aiscout scan [--home DIR] [--root DIR]... [--exclude GLOB]... [--db FILE] [--no-hash]
               [--path P]... [--locator ID]...
               [--verify-digests] [--run-versions] [--scan-env] [--scan-source]
               [--identify-servers]
               [--format table|json|sarif|cyclonedx|html|csv]
               [--out FILE] [--quiet] [--sync [--server URL] [--enroll-secret S]]
  aiscout scan-model [--no-hash] [--format table|json|sarif] [--out FILE] PATH...
  aiscout export --format json|csv|sarif|cyclonedx|html [--db FILE] [--out FILE] [--include-gone]
  aiscout sync [--server URL] [--enroll-secret S] [--db FILE] [--dry-run] [--quiet]
  aiscout server start|enroll-secret|admin-token|export ...   (aiscout server help)
  aiscout watch [--home DIR] [--root DIR]... [--exclude GLOB]... [--db FILE] [--no-hash]
                [--budget N] [--format text|json] [--quiet]
  aiscout help | --help | --version

Exit codes: 0 nothing at or above medium, 1 findings at or above medium (scan-model: a malicious
or suspicious file), 2 the command could not run (bad arguments, unusable database; scan-model:
an invalid or unreadable file). aiscout sync: 0 everything acknowledged, 2 the server cannot be
reached (the outbox is kept), 1 the server refused (revoked, unknown enroll secret). aiscout
watch: runs until Ctrl-C or SIGTERM, then exits 0.
`

/** Runs the CLI and returns its exit code; never throws for user errors. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const [cmd, ...rest] = argv
  try {
    switch (cmd) {
      // Commands load on first use: `scan-model` never pays for SQLite or discovery.
      case 'scan':
        return await (await import('./commands/scan')).runScan(rest, io)
      case 'scan-model':
        return await (await import('./commands/scan-model')).runScanModel(rest, io)
      case 'export':
        return await (await import('./commands/export')).runExport(rest, io)
      case 'server':
        return await (await import('./commands/server')).runServer(rest, io)
      case 'sync':
        return await (await import('./commands/sync')).runSync(rest, io)
      case 'watch':
        return await (await import('./commands/watch')).runWatch(rest, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE)
        return cmd === undefined ? 2 : 0
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`)
        return 0
      default:
        throw new UsageError(`unknown command ${cmd}`)
    }
  } catch (e) {
    if (isUsageError(e)) {
      io.stderr.write(`aiscout: ${e.message}\n\n${USAGE}`)
      return 2
    }
    io.stderr.write(`aiscout: ${(e as Error).message ?? String(e)}\n`)
    return 2
  }
}

export type { Io } from './io'
