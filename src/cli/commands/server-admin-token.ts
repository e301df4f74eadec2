import { createApiToken, ROLES, openStorage } from '../../server'
import type { Role } from '../../server'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { storageTarget } from './server'

const SPEC = {
  data: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
} as const

/** `aiscout server admin-token create`: an API token for the fleet API, printed on the last line. */
export async function runServerAdminToken(argv: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = argv
  if (action !== 'create') throw new UsageError('admin-token needs create')
  const { flags, positionals } = parseArgs(rest, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const role: Role = oneOf(flags.role, ROLES, 'role', 'admin')
  const name = (flags.name as string | undefined) ?? 'cli'
  if (name.length === 0 || name.length > 64) throw new UsageError('--name must be 1-64 characters')
  const storage = await openStorage(storageTarget(io, flags.data))
  try {
    const { token, info } = await createApiToken(storage, { name, role })
    io.stdout.write(
      `API token ${info.id} (${role}) for the fleet API (Authorization: Bearer …); shown once:\n${token}\n`,
    )
    return 0
  } finally {
    await storage.close()
  }
}
