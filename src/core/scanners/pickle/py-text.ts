/** Python string-escape decoding for protocol-0 STRING operands (enough for names and args). */
export function unescapePy(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    switch (e) {
      case 'n':
        return '\n'
      case 't':
        return '\t'
      case 'r':
        return '\r'
      default:
        return e
    }
  })
}
