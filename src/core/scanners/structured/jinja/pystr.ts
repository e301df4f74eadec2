import type { Folded } from './fold'
import { MAX_STR, UNKNOWN } from './fold'
import type { Val } from './parser'

/**
 * Python string methods and Jinja string filters, folded exactly as CPython and Jinja compute
 * them: a folded name that differs from what the runtime builds is a name the checks miss.
 * Where exactness would need Unicode tables (case mapping beyond ASCII) the value is not folded.
 */

const cap = (s: string): Folded => (s.length > MAX_STR ? UNKNOWN : s)

/** Characters Python's str.isspace() accepts (str.strip() with no argument removes these). */
const PY_SPACE = new Set([
  ...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000',
])
for (let c = 0x2000; c <= 0x200a; c++) PY_SPACE.add(String.fromCharCode(c))

/** Python str.strip/lstrip/rstrip, by code point, with or without a character set. */
export function pyStrip(s: string, chars: Val | undefined, left: boolean, right: boolean): Folded {
  if (chars !== undefined && chars !== null && typeof chars !== 'string') return UNKNOWN
  const cps = [...s]
  const drop = (c: string): boolean =>
    typeof chars === 'string' ? chars.includes(c) : PY_SPACE.has(c)
  let a = 0
  let b = cps.length
  while (left && a < b && drop(cps[a]!)) a++
  while (right && b > a && drop(cps[b - 1]!)) b--
  return cps.slice(a, b).join('')
}

/** Python str.center/ljust/rjust/zfill (widths count code points, as Python does). */
export function pad(s: string, how: string, width: Val | undefined, fill: Val | undefined): Folded {
  const f = fill === undefined ? (how === 'zfill' ? '0' : ' ') : fill
  if (typeof width !== 'number' || !Number.isInteger(width) || typeof f !== 'string') return UNKNOWN
  if ([...f].length !== 1 || width > MAX_STR) return UNKNOWN
  const marg = width - [...s].length
  if (marg <= 0) return s
  if (how === 'ljust') return s + f.repeat(marg)
  if (how === 'rjust') return f.repeat(marg) + s
  if (how === 'zfill') {
    const sign = s[0] === '+' || s[0] === '-' ? s[0] : ''
    return sign + '0'.repeat(marg) + s.slice(sign.length)
  }
  // CPython pad(): left = marg / 2 + (marg & width & 1).
  const left = Math.floor(marg / 2) + (marg & width & 1)
  return f.repeat(left) + s + f.repeat(marg - left)
}

/** Python str.replace(old, new[, count]), including the empty-`old` case. */
export function pyReplace(
  s: string,
  old: Val | undefined,
  rep: Val | undefined,
  count: Val | undefined,
): Folded {
  if (typeof old !== 'string' || typeof rep !== 'string') return UNKNOWN
  const n = count === undefined || count === null ? -1 : count
  if (typeof n !== 'number' || !Number.isInteger(n)) return UNKNOWN
  const parts = old === '' ? ['', ...s, ''] : s.split(old)
  if (n < 0 || n >= parts.length - 1) return cap(parts.join(rep))
  return cap(parts.slice(0, n + 1).join(rep) + old + parts.slice(n + 1).join(old))
}

/** Python str.title() and Jinja's |title filter, for ASCII text (other text: not folded). */
export function pyTitle(s: string): Folded {
  if (!/^[\x00-\x7f]*$/.test(s)) return UNKNOWN
  let prevCased = false
  let out = ''
  for (const c of s) {
    const cased = /[A-Za-z]/.test(c)
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c
    prevCased = cased
  }
  return out
}

/** Jinja's do_title: each run split at `-`, spaces and `({[<` gets item[0].upper() + rest.lower(). */
export function jinjaTitle(s: string): Folded {
  if (!/^[\x00-\x7f]*$/.test(s)) return UNKNOWN
  return s
    .split(/([-\s({[<]+)/)
    .filter((x) => x !== '')
    .map((x) => x.charAt(0).toUpperCase() + x.slice(1).toLowerCase())
    .join('')
}

export function capitalize(s: string): Folded {
  return /^[\x00-\x7f]*$/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : UNKNOWN
}
