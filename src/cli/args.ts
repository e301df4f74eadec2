/** A small strict argument parser: unknown flags and missing values are usage errors, never stack traces. */
export class UsageError extends Error {
  // Matched by name: the CLI's commands are bundled apart from the dispatcher, each with its own
  // copy of this class (scripts/build-cli.mjs).
  override name = 'UsageError'
}

export const isUsageError = (e: unknown): e is UsageError =>
  e instanceof Error && e.name === 'UsageError'

export type FlagSpec = Readonly<
  Record<string, { type: 'string' | 'boolean' | 'list'; short?: string }>
>

export type Parsed = {
  flags: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): Parsed {
  const flags: Parsed['flags'] = {}
  const positionals: string[] = []
  const byShort = new Map(
    Object.entries(spec).flatMap(([k, v]) => (v.short ? [[v.short, k] as const] : [])),
  )
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a)
      continue
    }
    let name: string
    let inline: string | undefined
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      name = eq > 0 ? a.slice(2, eq) : a.slice(2)
      inline = eq > 0 ? a.slice(eq + 1) : undefined
    } else {
      const long = byShort.get(a.slice(1))
      if (!long) throw new UsageError(`unknown option ${a}`)
      name = long
    }
    let def = spec[name]
    if (!def && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean') {
      flags[name.slice(3)] = false
      continue
    }
    if (!def) throw new UsageError(`unknown option --${name}`)
    if (def.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      flags[name] = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`)
    }
    if (def.type === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value]
    else flags[name] = value
    def = undefined
  }
  return { flags, positionals }
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got ${String(value)})`)
}
