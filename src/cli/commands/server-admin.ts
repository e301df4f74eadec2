import { readFileSync } from 'node:fs'
import {
  createUser,
  listUsers,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  openStorage,
  ROLES,
  UserError,
} from '../../server'
import type { Role } from '../../server'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { storageTarget } from './server'

const SPEC = {
  data: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  role: { type: 'string' },
  replace: { type: 'boolean' },
} as const

/** The password from a file (`-` for stdin): never from the command line, where `ps` shows it. */
function readPassword(io: Io, file: string): string {
  let text: string
  try {
    text = readFileSync(file === '-' ? 0 : resolvePath(io, file), 'utf8')
  } catch (e) {
    throw new UsageError(
      `cannot read --password-file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
  // One trailing newline is the file's, not the password's.
  const password = text.replace(/\r?\n$/, '')
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(
      `the password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters (got ${password.length})`,
    )
  }
  return password
}

/**
 * `aiscout server admin create --user NAME --password-file FILE [--role admin|viewer] [--replace]`
 * and `aiscout server admin list`: dashboard users (scrypt password hashes, server-side sessions).
 */
export async function runServerAdmin(argv: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = argv
  if (action !== 'create' && action !== 'list') throw new UsageError('admin needs create or list')
  const { flags, positionals } = parseArgs(rest, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  if (action === 'create') {
    const name = flags.user
    if (typeof name !== 'string') throw new UsageError('admin create needs --user NAME')
    const file = flags['password-file']
    if (typeof file !== 'string') throw new UsageError('admin create needs --password-file FILE')
    const role: Role = oneOf(flags.role, ROLES, 'role', 'admin')
    const password = readPassword(io, file)
    const storage = await openStorage(storageTarget(io, flags.data))
    try {
      const u = await createUser(storage, { name, password, role, replace: flags.replace === true })
      io.stdout.write(
        `${u.replaced ? 'updated' : 'created'} dashboard user ${u.name} (${u.role})${u.replaced ? '; their sessions ended' : ''}\n`,
      )
      return 0
    } catch (e) {
      if (e instanceof UserError) throw new UsageError(e.message)
      throw e
    } finally {
      await storage.close()
    }
  }
  const storage = await openStorage(storageTarget(io, flags.data))
  try {
    for (const u of await listUsers(storage)) {
      io.stdout.write(
        `${u.name}\t${u.role}\tcreated ${u.createdAt}${u.disabled ? '\tdisabled' : ''}\n`,
      )
    }
    return 0
  } finally {
    await storage.close()
  }
}
