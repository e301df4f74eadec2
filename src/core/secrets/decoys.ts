import type { SecretCharset } from './rules'

/**
 * Decoy suppression: the false-positive traps listed in shared/reference/discovery.md section 4
 * (placeholders, references, documented examples, low entropy, fixtures, UUIDs, SHAs, digests).
 * Every check is a pure function of the candidate and a little text around it.
 */

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0
  const counts = new Map<string, number>()
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let h = 0
  for (const n of counts.values()) {
    const p = n / s.length
    h -= p * Math.log2(p)
  }
  return h
}

/** Words that mark a value as a placeholder, a documented example or a test fixture. */
const PLACEHOLDER_WORDS = [
  'your',
  'xxxx',
  'example',
  'placeholder',
  'replace',
  'changeme',
  'insert',
  'redacted',
  'dummy',
  'fake',
  'test',
  'sample',
  'secret',
  'apikey',
  'token',
  'mykey',
  'here',
]

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'

/** True when `s` contains an ascending run of `n` letters or digits (`abcdef`, `123456`). */
function hasSequence(lower: string, n: number): boolean {
  for (let i = 0; i + n <= lower.length; i++) {
    const chunk = lower.slice(i, i + n)
    if (ALPHABET.includes(chunk) || DIGITS.includes(chunk)) return true
  }
  return false
}

/** True when the same character repeats `n` times in a row (`xxxxxx`, `000000`). */
function hasRepeat(s: string, n: number): boolean {
  let run = 1
  for (let i = 1; i < s.length; i++) {
    run = s[i] === s[i - 1] ? run + 1 : 1
    if (run >= n) return true
  }
  return false
}

function classMix(body: string, charset: SecretCharset): boolean {
  const upper = /[A-Z]/.test(body)
  const lower = /[a-z]/.test(body)
  const digit = /[0-9]/.test(body)
  const classes = Number(upper) + Number(lower) + Number(digit)
  switch (charset) {
    case 'hex':
      return digit && /[a-fA-F]/.test(body)
    case 'letters':
      return upper && lower
    case 'lower-alnum':
      return digit && lower
    case 'base32':
      return upper || lower
    case 'base62':
    case 'base64':
    case 'base64url':
      return body.length >= 30 ? classes === 3 : classes >= 2
    case 'password':
      return true
  }
}

/** Passwords that stand for "fill in your own" or a throwaway local database, not a credential. */
const DEFAULT_PASSWORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'root',
  'admin',
  'changeme',
  'secret',
  'user',
  'username',
])

/** A person's password inside a URL: a reference, a template or a stock default is no credential. */
function judgePassword(body: string): BodyVerdict | undefined {
  if (/[${}<>[\]]|%\(|^\*+$/.test(body)) return 'placeholder'
  if (DEFAULT_PASSWORDS.has(body.toLowerCase())) return 'placeholder'
  if (body.length < 6) return 'low-entropy'
  return undefined
}

export type BodyVerdict = 'ok' | 'placeholder' | 'low-entropy' | 'charset'

/** Judges the random part of a candidate key. */
export function judgeBody(body: string, charset: SecretCharset, minEntropy: number): BodyVerdict {
  if (charset === 'password') {
    const v = judgePassword(body)
    if (v) return v
  }
  const lower = body.toLowerCase()
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return 'placeholder'
  if (hasRepeat(body, charset === 'hex' ? 7 : 6)) return 'placeholder'
  if (hasSequence(lower, 6)) return 'placeholder'
  if (!classMix(body, charset)) return 'charset'
  // A short sample cannot reach a high entropy, so scale the gate for short bodies.
  const cap = Math.log2(Math.min(body.length, 64))
  if (shannonEntropy(body) < Math.min(minEntropy, cap - 0.5)) return 'low-entropy'
  return 'ok'
}

/**
 * Reference openers: when the candidate sits inside one of these (no closer in between), the text
 * names where a key comes from rather than holding it: `${VAR}`, `$(pass show ...)`,
 * `${input:...}`, `${env:...}`, `os.environ[...]`, `{{ secrets.X }}`.
 */
const REFERENCES: readonly (readonly [string, string])[] = [
  ['${', '}'],
  ['$(', ')'],
  ['os.environ[', ']'],
  ['os.environ.get(', ')'],
  ['os.getenv(', ')'],
  ['getenv(', ')'],
  ['{{', '}}'],
  ['%(', ')'],
]

/** `before` is the text on the same line before the candidate (at most ~60 characters). */
export function isReference(before: string): boolean {
  const tail = before.toLowerCase()
  if (/process\.env\.$|process\.env\[['"]?$|\$env:$|\$$/.test(tail)) return true
  for (const [open, close] of REFERENCES) {
    const i = tail.lastIndexOf(open)
    if (i >= 0 && !tail.includes(close, i + open.length)) return true
  }
  return false
}

/** `...` or `…` right after the value: a truncated example in documentation. */
export function isTruncated(after: string): boolean {
  return after.startsWith('...') || after.startsWith('…') || after.startsWith('\\u2026')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export function isUuid(s: string): boolean {
  return UUID.test(s)
}

/**
 * Context words that say a bare hex/base64 value is a digest, a git object id or an integrity hash
 * (lockfiles, packed-refs, Ollama/HF blobs, Claude `userID`), not a key.
 */
const DIGEST_CONTEXT =
  /(sha1|sha256|sha384|sha512|md5|digest|integrity|checksum|hash|etag|commit|revision|\brev\b|\bref\b|refs\/|\boid\b|blob|userid|user_id|session|run_id|runid|uuid|@|#)[\s"'=:\-/]*$/i

/** `before` is up to ~40 characters before a bare (prefix-less) candidate. */
export function looksLikeDigest(before: string): boolean {
  return DIGEST_CONTEXT.test(before)
}

/** Base-name tokens of test fixtures and templates (`fake_keys.py`, `.env.example`, `test_x.py`). */
const FIXTURE_TOKENS = new Set([
  'fake',
  'fakes',
  'dummy',
  'example',
  'examples',
  'sample',
  'samples',
  'template',
  'mock',
  'mocks',
  'fixture',
  'fixtures',
  'test',
  'tests',
  'spec',
])
const FIXTURE_DIRS = new Set(['__fixtures__', 'fixtures', 'testdata', '__tests__', '__mocks__'])

/** True for files that by name are fixtures, tests, examples or templates. */
export function isFixturePath(path: string): boolean {
  const parts = path.split(/[\\/]/)
  const base = parts[parts.length - 1] ?? ''
  for (const t of base.toLowerCase().split(/[._\-\s]+/)) if (FIXTURE_TOKENS.has(t)) return true
  for (let i = 0; i < parts.length - 1; i++) {
    if (FIXTURE_DIRS.has((parts[i] ?? '').toLowerCase())) return true
  }
  return false
}
