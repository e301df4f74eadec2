/**
 * Static reader of a git index file (`.git/index`, format "DIRC" versions 2, 3 and 4), used to
 * tell whether a file is tracked without spawning git. Only the path list is extracted.
 * Format: 12-byte header (signature, version, entry count), then entries of 40 bytes of stat data,
 * a 20-byte object id (32 for SHA-256 repositories), 16-bit flags, an optional 16-bit extended flags
 * word (v3+, when flag 0x4000 is set) and the path. v2/v3 paths are NUL-terminated and padded with
 * NULs to a multiple of 8 bytes from the entry start; v4 paths are prefix-compressed (varint of
 * bytes to drop from the previous path, then the NUL-terminated suffix) with no padding.
 */

export type GitIndexResult =
  | Readonly<{ ok: true; version: number; paths: ReadonlySet<string> }>
  | Readonly<{ ok: false; reason: string }>

const STAT_BYTES = 40

export function parseGitIndex(buf: Buffer, hashBytes = 20): GitIndexResult {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') {
    return { ok: false, reason: 'not a git index (bad signature)' }
  }
  const version = buf.readUInt32BE(4)
  if (version < 2 || version > 4)
    return { ok: false, reason: `unsupported index version ${version}` }
  const count = buf.readUInt32BE(8)
  const paths = new Set<string>()
  let pos = 12
  let prev = ''
  for (let n = 0; n < count; n++) {
    const entryStart = pos
    const flagsAt = pos + STAT_BYTES + hashBytes
    if (flagsAt + 2 > buf.length) return { ok: false, reason: 'truncated index entry' }
    const flags = buf.readUInt16BE(flagsAt)
    pos = flagsAt + 2
    if (version >= 3 && flags & 0x4000) pos += 2
    let name: string
    if (version === 4) {
      // Git's offset varint: each continuation adds one before shifting.
      let b = buf[pos++]
      if (b === undefined) return { ok: false, reason: 'truncated index path' }
      let strip = b & 0x7f
      while (b & 0x80) {
        b = buf[pos++]
        if (b === undefined) return { ok: false, reason: 'truncated index path' }
        strip = ((strip + 1) << 7) | (b & 0x7f)
      }
      const nul = buf.indexOf(0, pos)
      if (nul < 0 || strip > prev.length) return { ok: false, reason: 'bad v4 path' }
      name = prev.slice(0, prev.length - strip) + buf.toString('utf8', pos, nul)
      pos = nul + 1
    } else {
      const nul = buf.indexOf(0, pos)
      if (nul < 0) return { ok: false, reason: 'truncated index path' }
      name = buf.toString('utf8', pos, nul)
      // Entry length (through the first NUL) rounded up to a multiple of 8.
      const len = nul + 1 - entryStart
      pos = entryStart + Math.ceil(len / 8) * 8
    }
    paths.add(name)
    prev = name
  }
  return { ok: true, version, paths }
}
