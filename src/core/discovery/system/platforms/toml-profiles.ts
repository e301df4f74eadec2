import { parse } from 'smol-toml'

export type TomlProfiles =
  | Readonly<{ kind: 'ok'; doc: Readonly<Record<string, unknown>> }>
  | Readonly<{ kind: 'invalid'; message: string }>

/** Parses TOML without throwing (smol-toml throws on syntax errors). */
export function parseTomlSafe(text: string): TomlProfiles {
  try {
    return { kind: 'ok', doc: parse(text) as Record<string, unknown> }
  } catch (e) {
    return {
      kind: 'invalid',
      message:
        String(e instanceof Error ? e.message : e)
          .split('\n')[0]
          ?.slice(0, 200) ?? 'invalid TOML',
    }
  }
}

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}
