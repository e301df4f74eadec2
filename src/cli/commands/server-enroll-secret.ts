import {
  openStorage,
  createEnrollSecret,
  listEnrollSecrets,
  revokeEnrollSecret,
  TeamNameError,
} from '../../server'
import { parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { storageTarget } from './server'

const SPEC = { data: { type: 'string' }, team: { type: 'string' } } as const

/** `aiscout server enroll-secret create|list|revoke`. `create` prints the secret on its last line. */
export async function runServerEnrollSecret(argv: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = argv
  const { flags, positionals } = parseArgs(rest, SPEC)
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new UsageError('enroll-secret needs create, list or revoke')
  }
  if (action === 'revoke' ? positionals.length !== 1 : positionals.length > 0) {
    throw new UsageError(
      action === 'revoke'
        ? 'enroll-secret revoke needs one secret id'
        : `unexpected argument ${positionals[0]}`,
    )
  }
  if (flags.team !== undefined && action !== 'create')
    throw new UsageError('--team goes with create')
  const storage = await openStorage(storageTarget(io, flags.data))
  try {
    switch (action) {
      case 'create': {
        let r
        try {
          r = await createEnrollSecret(storage, flags.team as string | undefined)
        } catch (e) {
          if (e instanceof TeamNameError) throw new UsageError(e.message)
          throw e
        }
        io.stdout.write(
          `Enroll secret ${r.info.id} for team "${r.info.team}" (shown once; devices enroll with it until you revoke it):\n${r.secret}\n`,
        )
        return 0
      }
      case 'list': {
        const rows = await listEnrollSecrets(storage)
        if (rows.length === 0)
          io.stdout.write('no enroll secrets yet: aiscout server enroll-secret create\n')
        for (const s of rows) {
          io.stdout.write(
            `${s.id}  ${s.prefix}…  team=${s.team}  created=${s.createdAt}${s.revokedAt ? `  revoked=${s.revokedAt}` : ''}\n`,
          )
        }
        return 0
      }
      case 'revoke': {
        const ok = await revokeEnrollSecret(storage, positionals[0]!)
        if (!ok) {
          io.stderr.write(`aiscout: no active enroll secret ${positionals[0]}\n`)
          return 2
        }
        io.stdout.write(`revoked ${positionals[0]}; devices already enrolled keep syncing\n`)
        return 0
      }
    }
  } finally {
    await storage.close()
  }
}
