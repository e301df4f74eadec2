import { judgeBody, shannonEntropy } from './decoys'

/**
 * Values read from a structure (an MCP server's `env` or `headers`, an agent's settings, a
 * platform profile) arrive with their name. A value no provider row recognises still counts as a
 * credential when its name says so and it looks random: that is the generic fallback the rows
 * deliberately lack for free text.
 */

/** `${VAR}`, `${env:VAR}`, `${input:id}`, `$VAR`, `%VAR%`, `{env:VAR}`: a reference, not a value. */
export function isValueReference(value: string): boolean {
  const v = value.trim()
  return (
    v === '' ||
    /^\$\{[^}]+\}$/.test(v) ||
    /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v) ||
    /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v) ||
    /^\{(env|file):[^}]+\}$/.test(v) ||
    /^(Bearer|Basic|Token)\s+\$\{?[A-Za-z_][A-Za-z0-9_:]*\}?$/i.test(v) ||
    /^(Bearer|Basic|Token)\s+\$\{[^}]+\}$/i.test(v)
  )
}

const SECRETISH_NAME =
  /(api[_-]?key|apikey|token|secret|passw(or)?d|auth|credential|private[_-]?key|access[_-]?key|bearer|cookie|session)/i

/** A name that holds a credential in the usual naming conventions (`*_API_KEY`, `Authorization`). */
export function looksSecretName(name: string): boolean {
  return SECRETISH_NAME.test(name)
}

/**
 * Names that look key-ish but hold public or non-secret values: a Supabase anon or publishable key
 * is meant to ship in web pages, and ids, URLs, user names and file paths are not credentials.
 */
const PUBLIC_NAME =
  /(anon|publishable|public|_id$|^id$|client_?id|user(_?name)?$|_url$|_uri$|endpoint|host|region|model|_path$|_file$|_dir$|_env_var$|_var$|expir|ttl|timeout|count|limit|max_|_max|header_name|type$)/i

/** A key-ish name whose value is public or not a credential (an id, a URL, a user name). */
export function isPublicName(name: string): boolean {
  return PUBLIC_NAME.test(name)
}

/** A template value (`<your-key>`, `ghp_your_token_here`, `xxxx`): what a config holds before it is filled in. */
export function isPlaceholderValue(value: string): boolean {
  const v = credentialPart(value)
  if (/^<[^>]*>$|^\[[^\]]*\]$|^\*+$/.test(v)) return true
  return /your|xxxx|example|placeholder|replace|changeme|insert|redacted|dummy|fake|_here|-here/i.test(
    v,
  )
}

/** Authorization schemes in front of the credential in a header value. */
const AUTH_SCHEME = /^(Bearer|Token|Basic|Bot|Key|ApiKey)\s+/i

/** The credential part of a header or env value (scheme and quotes removed). */
export function credentialPart(value: string): string {
  let v = value.trim()
  if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1)
  return v.replace(AUTH_SCHEME, '').trim()
}

/** Why the generic fallback accepts a value under a key-ish name, or undefined when it does not. */
export function genericCredential(name: string, value: string): string | undefined {
  if (!looksSecretName(name) || PUBLIC_NAME.test(name)) return undefined
  const v = credentialPart(value)
  if (v.length < 16 || v.length > 4096 || /\s/.test(v)) return undefined
  if (isValueReference(v) || /^(\/|~|\.\.?\/|[a-z]:\\|https?:|file:)/i.test(v)) return undefined
  if (/^(true|false|null|none|\d+)$/i.test(v)) return undefined
  // Random keys mix letters and digits; a word, a slug or a sentence does not reach the entropy.
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return undefined
  if (judgeBody(v, 'base64url', 0) !== 'ok') return undefined
  const cap = Math.log2(Math.min(v.length, 64))
  if (shannonEntropy(v) < Math.min(3.3, cap - 0.7)) return undefined
  return v
}

/**
 * The credential of a platform profile (a key already known by its name to hold one, such as
 * `token` in `.databrickscfg`): anything but an empty, referenced or placeholder value.
 */
export function platformCredential(value: string): string | undefined {
  const v = credentialPart(value)
  if (v.length < 8 || isValueReference(v)) return undefined
  if (judgeBody(v, 'password', 0) !== 'ok') return undefined
  return v
}
