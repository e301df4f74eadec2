import type { DetailValue, Details } from '../../shared/types'
import { isPlaceholderValue, isPublicName, isValueReference, looksSecretName } from './named-value'
import { redactKeysInText } from './redact-text'

/**
 * The last line of the no-cleartext rule: the text the inventory keeps about assets and findings
 * (names, details, finding messages) passes through here on its way into the store, whatever
 * analyzer wrote it. Analyzers redact what they know to be a credential; this catches what they
 * copy as plain text: a command line, an argument list, a URL, a description, a code excerpt.
 *
 * Replaced: every value a key rule finds (AI providers and the credentials agents are handed),
 * and credential syntax whatever the value looks like: a URL's password or token user name, its
 * query or fragment parameters with secret names, Authorization and Bearer values, and values
 * given to secret-named flags, headers and variables. References (`$TOKEN`, `${env:X}`) and
 * placeholders stay, as they are not secrets and tell the user where the secret comes from.
 */
export function scrubText(text: string): string {
  // Nothing shorter holds a credential worth the regular expressions.
  if (text.length < 8) return text
  return redactSyntax(redactKeysInText(text))
}

/** scrubText over every string in the details, nested arrays and objects included. */
export function scrubDetails(details: Details): Details {
  let out: Record<string, DetailValue> | undefined
  for (const [k, v] of Object.entries(details)) {
    const s = scrubValue(v, 0)
    if (s !== v) (out ??= { ...details })[k] = s
  }
  return out ?? details
}

/** Deeper than any detail an analyzer writes: past it, strings are kept only when scrubbed. */
const MAX_DEPTH = 16

function scrubValue(v: DetailValue, depth: number): DetailValue {
  if (typeof v === 'string') return scrubText(v)
  if (v === null || typeof v !== 'object') return v
  if (depth >= MAX_DEPTH) return '[too deep]'
  if (Array.isArray(v)) {
    let out: DetailValue[] | undefined
    v.forEach((x: DetailValue, i) => {
      const s = scrubValue(x, depth + 1)
      if (s !== x) (out ??= [...(v as DetailValue[])])[i] = s
    })
    return out ?? v
  }
  let out: Record<string, DetailValue> | undefined
  for (const [k, x] of Object.entries(v as Record<string, DetailValue>)) {
    const s = scrubValue(x, depth + 1)
    if (s !== x) (out ??= { ...(v as Record<string, DetailValue>) })[k] = s
  }
  return out ?? v
}

const MARK = '[redacted]'

// Every repeated part below is bounded or cannot backtrack across another: the text is whatever a
// file held (a command line, a notebook excerpt), and an unbounded `[a-z.]*` before a literal that
// never comes is quadratic on `a.a.a.…` (test/core/secrets/scrub.test.ts runs such inputs).

/** `scheme://user:password@host`: the password goes, the user and host stay. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:/@"'<>]{0,128}):([^\s@/"'<>]{1,512})@/gi
/** `https://<token>@host`: a long user name with no password is a token (GitHub, GitLab). */
const URL_TOKEN_USER = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:/@"'<>]{20,256})@/gi
/** A query or fragment parameter: `?name=value`, `&name=value`, `#name=value`. */
const URL_PARAM = /([?&#;])([\w.~%-]{1,64})=([^&#\s"'<>]+)/g
/** Parameter names that carry a credential besides the secret-looking ones (signed URLs). */
const URL_SECRET_PARAM = /^(key|sig|signature|code|jwt|x-amz-signature|x-goog-signature)$/i
/** An Authorization value, with or without its scheme. */
const AUTHORIZATION =
  /\b(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token|bot|digest|apikey|key)\s+)?([^\s"',;]+)/gi
/** A bearer token anywhere (`curl -H "Authorization: Bearer …"` split across arguments). */
const BEARER = /\b(bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi
/** `name: value` or `name=value` with a secret-looking name (a header, a variable, a flag). */
const NAMED_VALUE = /(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]{0,63})(\s*[:=]\s*)(["']?)([^\s"',;&)}\]]+)/g
/** `--secret-flag value`: a flag whose name says it takes a credential, then its value. */
const FLAG_VALUE = /(?<![\w-])(--?[\w-]{1,64})(\s+)(["']?)([^\s"'-][^\s"']*)/g
/** The secret words a flag's name holds, tested on the (bounded) name the pattern above took. */
const SECRET_FLAG_NAME = /key|token|secret|passw(?:or)?d|pwd|auth|credential/i

function redactSyntax(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, scheme: string, user: string) => `${scheme}${user}:…@`)
    .replace(URL_TOKEN_USER, (m, scheme: string, user: string) =>
      isValueReference(user) ? m : `${scheme}…@`,
    )
    .replace(URL_PARAM, (m, sep: string, name: string, value: string) =>
      (looksSecretName(name) || URL_SECRET_PARAM.test(name)) && isSecretValue(value, 4)
        ? `${sep}${name}=${MARK}`
        : m,
    )
    .replace(AUTHORIZATION, (m, head: string, scheme: string | undefined, value: string) =>
      isSecretValue(value, 4) ? `${head}${scheme ?? ''}${MARK}` : m,
    )
    .replace(BEARER, (m, head: string, value: string) =>
      isSecretValue(value, 8) ? `${head}${MARK}` : m,
    )
    .replace(NAMED_VALUE, (m, name: string, sep: string, q: string, value: string) =>
      looksSecretName(name) && !isPublicName(name) && isSecretValue(value, 6) && mixed(value)
        ? `${name}${sep}${q}${MARK}`
        : m,
    )
    .replace(FLAG_VALUE, (m, flag: string, sep: string, q: string, value: string) =>
      SECRET_FLAG_NAME.test(flag) && isSecretValue(value, 6) && mixed(value)
        ? `${flag}${sep}${q}${MARK}`
        : m,
    )
}

/** Not a reference, a placeholder, a word the redaction left, a path, a URL or a plain number. */
function isSecretValue(value: string, min: number): boolean {
  const v = value.replace(/["'`]+$/, '')
  if (v.length < min || v === MARK || v.startsWith('…') || v.includes('…')) return false
  if (isValueReference(v) || isPlaceholderValue(v)) return false
  if (/^(true|false|null|none|undefined|\d+)$/i.test(v)) return false
  return !/^(\/|~|\.\.?\/|[a-z]:\\|[a-z][a-z0-9+.-]*:\/\/)/i.test(v)
}

/** A credential has digits or is long; a word (`required`, `enabled`) is neither. */
const mixed = (v: string): boolean => /\d/.test(v) || v.length >= 16
