import { openInventoryReader, REPORT_FORMATS } from '../../core'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { openCliDb } from './db'
import { emitInventory } from './report-out'

const SPEC = {
  format: { type: 'string' },
  db: { type: 'string' },
  out: { type: 'string' },
  'include-gone': { type: 'boolean' },
} as const

/** Exports the latest stored inventory (no rescan). */
export async function runExport(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  if (flags.format === undefined) throw new UsageError('--format is required')
  const format = oneOf(flags.format, REPORT_FORMATS, 'format', 'json')
  const { db } = openCliDb(io, flags.db as string | undefined, { mustExist: true, readOnly: true })
  try {
    const inv = openInventoryReader(db, { includeGone: flags['include-gone'] === true })
    await emitInventory(io, inv, format, flags.out as string | undefined, {
      includeGone: flags['include-gone'] === true,
    })
    return 0
  } finally {
    db.close()
  }
}
