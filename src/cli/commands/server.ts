import { join } from 'node:path'
import { UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'

export const SERVER_USAGE = `Usage:
  aiscout server start [--data DIR] [--host 127.0.0.1] [--port 8470]
                       [--tls-cert FILE --tls-key FILE] [--trust-proxy] [--log-level info]
                       [--device-rate N] [--enroll-rate N] [--max-body-mb N] [--max-inflated-mb N]
                       [--login-rate N] [--alerts FILE]
  aiscout server enroll-secret create [--data DIR] [--team NAME]
  aiscout server enroll-secret list [--data DIR]
  aiscout server enroll-secret revoke ID [--data DIR]
  aiscout server admin-token create [--data DIR] [--name NAME] [--role admin|viewer]
  aiscout server admin create --user NAME --password-file FILE [--role admin|viewer] [--replace]
  aiscout server admin list [--data DIR]
  aiscout server export [--data DIR] --format json|csv|cyclonedx [--out FILE]

Storage: PostgreSQL when DATABASE_URL is set (postgres://user:pass@host:5432/db), else SQLite in
--data DIR (default ~/.local/share/aiscout/server). Every subcommand selects it the same way.
`

/** `aiscout server …`: dispatches to the subcommand (each loaded only when used). */
export async function runServer(argv: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  switch (sub) {
    case 'start':
      return (await import('./server-start')).runServerStart(rest, io)
    case 'enroll-secret':
      return (await import('./server-enroll-secret')).runServerEnrollSecret(rest, io)
    case 'admin-token':
      return (await import('./server-admin-token')).runServerAdminToken(rest, io)
    case 'admin':
      return (await import('./server-admin')).runServerAdmin(rest, io)
    case 'export':
      return (await import('./server-export')).runServerExport(rest, io)
    case undefined:
    case 'help':
    case '--help':
      io.stdout.write(SERVER_USAGE)
      return sub === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown server command ${sub}\n\n${SERVER_USAGE}`)
  }
}

/** Per-user default data directory of the embedded (SQLite) server storage. */
export function defaultServerDataDir(io: Io, platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return join(io.home, 'Library', 'Application Support', 'AI Scout', 'server')
    case 'win32':
      return join(io.env.APPDATA ?? join(io.home, 'AppData', 'Roaming'), 'AI Scout', 'server')
    default:
      return join(io.env.XDG_DATA_HOME ?? join(io.home, '.local', 'share'), 'aiscout', 'server')
  }
}

/**
 * Storage selection shared by every server subcommand: DATABASE_URL → PostgreSQL; otherwise
 * SQLite in --data DIR (or the default). Both at once is ambiguous and refused.
 */
export function storageTarget(
  io: Io,
  dataFlag: unknown,
): { dataDir?: string; databaseUrl?: string } {
  const url = io.env.DATABASE_URL?.trim()
  if (url) {
    if (typeof dataFlag === 'string') {
      throw new UsageError(
        '--data and DATABASE_URL both given: unset one (DATABASE_URL selects PostgreSQL)',
      )
    }
    return { databaseUrl: url }
  }
  return {
    dataDir: typeof dataFlag === 'string' ? resolvePath(io, dataFlag) : defaultServerDataDir(io),
  }
}
