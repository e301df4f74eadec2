/** A prompt-injection marker found in an instruction, rule or skill file. */
export type Marker = Readonly<{
  kind:
    | 'unicode-tags'
    | 'zero-width'
    | 'bidi-override'
    | 'ignore-instructions'
    | 'conceal'
    | 'exfiltrate'
  line: number
  /** How many hidden characters (for the Unicode kinds). */
  count?: number
}>

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x180e])
const isBidi = (cp: number): boolean =>
  (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
const isTag = (cp: number): boolean => cp >= 0xe0000 && cp <= 0xe007f

/**
 * Invisible characters, reported once per kind at the first line they occur. Zero-width
 * characters are common one at a time in pasted text and inside emoji sequences (ZWJ), so only
 * runs of two or more, or three or more overall, count.
 */
function hiddenMarkers(text: string): Marker[] {
  const first = new Map<Marker['kind'], { line: number; count: number }>()
  const bump = (kind: Marker['kind'], line: number): void => {
    const m = first.get(kind)
    if (m) m.count++
    else first.set(kind, { line, count: 1 })
  }
  let line = 1
  let run = 0
  let runLine = 1
  let zw = 0
  let zwLine = 0
  let longestRun = 0
  let i = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp === 10) line++
    if (isTag(cp)) bump('unicode-tags', line)
    else if (isBidi(cp)) bump('bidi-override', line)
    if (ZERO_WIDTH.has(cp) && !(cp === 0xfeff && i === 0)) {
      if (run === 0) runLine = line
      run++
      if (cp !== 0x200d) {
        zw++
        if (zwLine === 0) zwLine = line
      }
      if (run >= 2 && run > longestRun) {
        longestRun = run
        if (!first.has('zero-width')) first.set('zero-width', { line: runLine, count: 0 })
      }
    } else run = 0
    i++
  }
  if (first.has('zero-width') || zw >= 3) {
    const at = first.get('zero-width')?.line ?? zwLine
    first.set('zero-width', { line: at, count: Math.max(zw, longestRun) })
  }
  return [...first].map(([kind, v]) => ({ kind, line: v.line, count: v.count }))
}

const PHRASES: readonly Readonly<{ kind: Marker['kind']; re: RegExp }>[] = [
  {
    kind: 'ignore-instructions',
    re: /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}?\b(previous|prior|above|earlier|preceding|original|system|user'?s?)\b[^.\n]{0,25}?\b(instructions?|prompts?|rules?|messages?|requests?|directions?|guidelines?)\b/i,
  },
  {
    kind: 'conceal',
    re: /\b(do not|don't|never)\s+(tell|inform|notify|mention|reveal|show|disclose)\b[^.\n]{0,40}?\b(to\s+)?the\s+user\b/i,
  },
  {
    kind: 'exfiltrate',
    re: /\b(send|upload|post|exfiltrate|transmit|forward|email|leak|paste)\b[^.\n]{0,80}?(api[ _-]?keys?|secrets?|tokens?|credentials?|passwords?|private keys?|ssh keys?|\.env\b|id_rsa|\.aws\b|\.ssh\b)/i,
  },
  {
    kind: 'exfiltrate',
    re: /\b(curl|wget|invoke-webrequest|iwr|nc|ncat)\b[^\n]{0,160}?(\$\{?[A-Z_]*(KEY|TOKEN|SECRET|PASSWORD)\b|\.env\b|id_rsa|\.aws[\\/]credentials|\.ssh[\\/])/i,
  },
]

// Guidance such as "never send API keys" or "do not ignore the rules" is the opposite of an attack.
const NEGATION =
  /\b(never|don't|do not|must not|mustn't|should not|shouldn't|avoid|no)\b[^.\n]{0,20}$/i

/** Instructions that try to override the user, hide actions or move secrets off the machine. */
function phraseMarkers(text: string): Marker[] {
  const out: Marker[] = []
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const ln = lines[n]!.slice(0, 4000)
    for (const p of PHRASES) {
      const m = p.re.exec(ln)
      if (!m) continue
      if (p.kind !== 'conceal' && NEGATION.test(ln.slice(0, m.index))) continue
      if (!out.some((o) => o.kind === p.kind && o.line === n + 1))
        out.push({ kind: p.kind, line: n + 1 })
    }
  }
  return out
}

export function injectionMarkers(text: string): Marker[] {
  return [...hiddenMarkers(text), ...phraseMarkers(text)]
}

export function isHiddenKind(k: Marker['kind']): boolean {
  return k === 'unicode-tags' || k === 'zero-width' || k === 'bidi-override'
}

export function describeMarker(m: Marker): string {
  switch (m.kind) {
    case 'unicode-tags':
      return `${m.count ?? 0} invisible Unicode tag character(s) (U+E0000–U+E007F)`
    case 'zero-width':
      return `${m.count ?? 0} zero-width character(s) in runs`
    case 'bidi-override':
      return `${m.count ?? 0} bidirectional override character(s)`
    case 'ignore-instructions':
      return 'an instruction to ignore previous or user instructions'
    case 'conceal':
      return 'an instruction to hide actions from the user'
    case 'exfiltrate':
      return 'an instruction to send keys, tokens or credential files somewhere'
  }
}
