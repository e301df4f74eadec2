/** A case-insensitive whole-string matcher where `*` matches any run of characters. */
export function globMatcher(pattern: string): (s: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  )
  return (s) => re.test(s)
}
