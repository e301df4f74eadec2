import { readFileSync } from 'node:fs'
import {
  AlertsConfigError,
  buildApp,
  dashboardPlugin,
  openStorage,
  parseAlertsConfig,
} from '../../server'
import type { ServerLimits } from '../../server'
import { parseArgs, UsageError } from '../args'
import type { Io } from '../io'
import { resolvePath } from '../io'
import { VERSION } from '../version'
import { storageTarget } from './server'

const SPEC = {
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'log-level': { type: 'string' },
  'device-rate': { type: 'string' },
  'enroll-rate': { type: 'string' },
  'max-body-mb': { type: 'string' },
  'max-inflated-mb': { type: 'string' },
  'login-rate': { type: 'string' },
  alerts: { type: 'string' },
} as const

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function intFlag(v: unknown, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got ${String(v)})`)
  }
  return n
}

/**
 * `aiscout server start`: serves the agent and fleet APIs until SIGINT/SIGTERM. Prints the URL it
 * serves on stdout; JSON logs (no credentials) go to stderr.
 */
export async function runServerStart(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC)
  if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const host = (flags.host as string | undefined) ?? '127.0.0.1'
  const port = intFlag(flags.port, 'port', 0, 65535) ?? 8470
  const logLevel = (flags['log-level'] as string | undefined) ?? 'info'
  if (!LOG_LEVELS.includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`)
  const certFile = flags['tls-cert'] as string | undefined
  const keyFile = flags['tls-key'] as string | undefined
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together')
  }
  let https: { cert: Buffer; key: Buffer } | undefined
  if (certFile && keyFile) {
    try {
      https = {
        cert: readFileSync(resolvePath(io, certFile)),
        key: readFileSync(resolvePath(io, keyFile)),
      }
    } catch (e) {
      throw new Error(
        `cannot read the TLS certificate or key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      )
    }
  }
  const limits: { -readonly [K in keyof ServerLimits]?: ServerLimits[K] } = {}
  const rate = intFlag(flags['device-rate'], 'device-rate', 1, 1_000_000)
  if (rate !== undefined) limits.deviceRequestsPerMinute = rate
  const enrollRate = intFlag(flags['enroll-rate'], 'enroll-rate', 1, 1_000_000)
  if (enrollRate !== undefined) limits.enrollPerMinute = enrollRate
  const body = intFlag(flags['max-body-mb'], 'max-body-mb', 1, 1024)
  if (body !== undefined) limits.maxWireBytes = body * 1024 * 1024
  const inflated = intFlag(flags['max-inflated-mb'], 'max-inflated-mb', 1, 4096)
  if (inflated !== undefined) limits.maxInflatedBytes = inflated * 1024 * 1024

  const loginPerMinute = intFlag(flags['login-rate'], 'login-rate', 1, 10_000)
  let alerts
  if (typeof flags.alerts === 'string') {
    let text: string
    try {
      text = readFileSync(resolvePath(io, flags.alerts), 'utf8')
    } catch (e) {
      throw new UsageError(
        `cannot read --alerts: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      )
    }
    try {
      alerts = parseAlertsConfig(text, io.env)
    } catch (e) {
      if (e instanceof AlertsConfigError) throw new UsageError(`--alerts: ${e.message}`)
      throw e
    }
  }

  const storage = await openStorage(storageTarget(io, flags.data))
  const app = await buildApp({
    plugins: [dashboardPlugin({ loginPerMinute, alerts })],
    storage,
    limits,
    https,
    trustProxy: flags['trust-proxy'] === true,
    logger: { level: logLevel, stream: process.stderr },
    version: VERSION,
  })
  let url: string
  try {
    url = await app.listen({ host, port })
  } catch (e) {
    await app.close()
    await storage.close()
    throw new Error(
      `cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
  io.stdout.write(
    `AI Scout server ${VERSION}\nstorage: ${storage.engine} ${storage.location}\nlistening on ${url}\n`,
  )
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await app.close()
  await storage.close()
  io.stdout.write('stopped\n')
  return 0
}
