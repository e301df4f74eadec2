/** One `machine` entry of a .netrc: host and the line span it covers (tokens are not kept). */
export type NetrcMachine = Readonly<{
  host: string
  firstLine: number
  lastLine: number
  passwordLine?: number
}>

/** Tokenises a .netrc (whitespace separated, `machine`/`default` start an entry); never throws. */
export function parseNetrc(text: string): NetrcMachine[] {
  const out: { host: string; firstLine: number; lastLine: number; passwordLine?: number }[] = []
  const lines = text.split(/\r?\n/)
  let cur: (typeof out)[number] | undefined
  let expect: 'host' | 'password' | 'skip' | undefined
  for (let i = 0; i < lines.length && i < 100_000; i++) {
    const tokens = (lines[i] ?? '').trim().split(/\s+/).filter(Boolean)
    if (tokens[0]?.startsWith('#')) continue
    for (const t of tokens) {
      if (expect === 'host') {
        cur = { host: t.slice(0, 255), firstLine: i + 1, lastLine: i + 1 }
        out.push(cur)
        expect = undefined
        continue
      }
      if (expect === 'password') {
        if (cur) cur.passwordLine = i + 1
        expect = undefined
        continue
      }
      if (expect === 'skip') {
        expect = undefined
        continue
      }
      if (t === 'machine') expect = 'host'
      else if (t === 'default') {
        cur = { host: 'default', firstLine: i + 1, lastLine: i + 1 }
        out.push(cur)
      } else if (t === 'password') expect = 'password'
      else if (t === 'login' || t === 'account') expect = 'skip'
      else if (t === 'macdef') cur = undefined
    }
    if (cur) cur.lastLine = i + 1
  }
  return out
}
