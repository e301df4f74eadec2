import { exportFleet, FLEET_EXPORT_FORMATS, openStorage } from '../../server'
import { oneOf, parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { openOutput } from '../output'
import { VERSION } from '../version'
import { storageTarget } from './server'

const SPEC = {
  data: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const

/** `aiscout server export`: the fleet inventory (present assets, open findings, a device per asset). */
export async function runServerExport(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  if (flags.format === undefined) throw new UsageError('--format is required')
  const format = oneOf(flags.format, FLEET_EXPORT_FORMATS, 'format', 'json')
  const storage = await openStorage(storageTarget(io, flags.data))
  try {
    const out = flags.out
      ? openOutput(resolvePath(io, flags.out as string))
      : { stream: io.stdout, close: async () => {} }
    const summary = await exportFleet(storage, format, out.stream, { toolVersion: VERSION })
    await out.close()
    if (flags.out) {
      io.stderr.write(
        `wrote ${summary.assets} assets and ${summary.findings} findings of ${summary.devices} devices to ${flags.out as string}\n`,
      )
    }
    return 0
  } finally {
    await storage.close()
  }
}
