/**
 * Minimal reader for the top-level `<key>…</key><string>…</string>` pairs of an XML property list
 * (Info.plist). Binary plists (`bplist00`) are not decoded: callers record the app without a
 * version rather than pull in a binary-plist parser.
 */
export type PlistResult =
  { kind: 'xml'; strings: ReadonlyMap<string, string> } | { kind: 'binary' } | { kind: 'invalid' }

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
}

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m
    }
    return ENTITIES[e] ?? m
  })
}

export function readPlist(buf: Buffer): PlistResult {
  if (buf.subarray(0, 6).toString('latin1') === 'bplist') return { kind: 'binary' }
  const text = buf.toString('utf8')
  if (!/<plist[\s>]/.test(text)) return { kind: 'invalid' }
  const strings = new Map<string, string>()
  // Only pairs where a <string> directly follows the <key>; nested dicts repeat keys rarely and
  // the CFBundle* keys used here live at the top level.
  const re = /<key>([^<]{1,200})<\/key>\s*<string>([^<]{0,1000})<\/string>/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const k = decode(m[1]!.trim())
    if (!strings.has(k)) strings.set(k, decode(m[2]!.trim()))
  }
  return { kind: 'xml', strings }
}
