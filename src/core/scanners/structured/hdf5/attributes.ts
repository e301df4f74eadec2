import type { ByteSource } from '../../byte-source'

/** Where to look for traces of a config: Keras writes its attributes before any weights. */
export const SEARCH_HEAD_BYTES = 64 * 1024 * 1024
/** Object header continuation blocks can also be appended at the end of the file. */
export const SEARCH_TAIL_BYTES = 16 * 1024 * 1024
const CHUNK = 4 * 1024 * 1024

/**
 * One bounded pass over the searched windows of the file (head, then tail) that records where
 * each needle occurs, so several attributes cost one read of the file, not one each.
 */
export function searchNeedles(src: ByteSource, needles: readonly string[]): Map<string, number[]> {
  const bufs = needles.map((n) => Buffer.from(n, 'latin1'))
  const longest = Math.max(...bufs.map((b) => b.length))
  const hits = new Map<string, number[]>(needles.map((n) => [n, []]))
  const windows: [number, number][] = [[0, Math.min(src.size, SEARCH_HEAD_BYTES)]]
  if (src.size > SEARCH_HEAD_BYTES)
    windows.push([Math.max(SEARCH_HEAD_BYTES, src.size - SEARCH_TAIL_BYTES), src.size])
  for (const [from, to] of windows) {
    for (let at = from; at < to; at += CHUNK) {
      const buf = Buffer.from(src.read(at, Math.min(CHUNK + longest, to - at)))
      bufs.forEach((needle, k) => {
        const list = hits.get(needles[k]!)!
        for (
          let i = buf.indexOf(needle);
          i >= 0 && list.length < 16;
          i = buf.indexOf(needle, i + 1)
        ) {
          // Matches in the overlap belong to the next chunk (unless this is the last one).
          if (i < CHUNK || at + CHUNK >= to) list.push(at + i)
        }
      })
    }
  }
  return hits
}

/** JSON object starts that a Keras model config may have (only a trace: never read as one). */
export const JSON_NEEDLES = ['{"class_name"', '{"module"']
