import { findCandidates } from './matcher'
import { redact } from './redact'

/**
 * Free text a person typed (an accepted-risk note) with every AI key or agent credential the
 * key rules find replaced by its redacted preview: such text is stored in SQLite and leaves the
 * device with the sync, and someone pasting a key into it must not put the key there. The text
 * is bounded by its caller (notes are at most 2,000 characters).
 */
export function redactKeysInText(text: string): string {
  const found = [
    ...findCandidates(text, 'note', 'ai'),
    ...findCandidates(text, 'note', 'agent'),
  ].sort((a, b) => a.start - b.start || b.end - a.end)
  let out = ''
  let at = 0
  for (const c of found) {
    if (c.start < at) continue // inside a match already replaced
    out += text.slice(at, c.start) + redact(c.value)
    at = c.end
  }
  return out + text.slice(at)
}
