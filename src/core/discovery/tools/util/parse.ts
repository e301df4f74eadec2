import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser'
import type { ParseError } from 'jsonc-parser'
import { parse as parseToml } from 'smol-toml'
import { parseYaml } from '../../../util/yaml'

export type ConfigFormat = 'json' | 'jsonc' | 'yaml' | 'toml'

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * Parses a config text without ever throwing (JSON through jsonc-parser, YAML with an alias cap
 * against billion-laughs documents, TOML through smol-toml).
 */
export function parseConfig(text: string, format: ConfigFormat): Parsed {
  try {
    switch (format) {
      case 'json':
      case 'jsonc': {
        const errors: ParseError[] = []
        // Comments are tolerated in both (VS Code and Claude accept them); trailing commas only in
        // JSONC files, so a truncated or hand-broken `.json` is reported rather than half-read.
        const value: unknown = parseJsonc(stripBom(text), errors, {
          allowTrailingComma: format === 'jsonc',
          disallowComments: false,
        })
        if (errors.length > 0) {
          const first = errors[0]!
          return {
            ok: false,
            error: `${printParseErrorCode(first.error)} at offset ${first.offset}`,
          }
        }
        return { ok: true, value }
      }
      case 'yaml':
        return { ok: true, value: parseYaml(text, { maxAliasCount: 100, prettyErrors: false }) }
      case 'toml':
        return { ok: true, value: parseToml(text) }
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) }
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s
}

export type Obj = Readonly<Record<string, unknown>>

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export function strArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {}
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** First line containing `needle` (1-based), or undefined. */
export function lineOf(text: string, needle: string): number | undefined {
  const i = text.indexOf(needle)
  return i < 0 ? undefined : lineAt(text, i)
}
