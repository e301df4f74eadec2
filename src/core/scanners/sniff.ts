import { looksLikePickle } from './pickle/sniff'

/** Bytes from the start of a file every sniff sees (`FormatScanner.sniff`'s `head`). */
export const HEAD_BYTES = 4096

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false
  return true
}

function ascii(head: Uint8Array, at: number, text: string): boolean {
  if (head.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (head[at + i] !== text.charCodeAt(i)) return false
  return true
}

/**
 * HDF5 superblock at 0, or at 512/1024/2048 after a user block. A user-block match only counts
 * when the bytes before it are not themselves a pickle, zip or GGUF: otherwise a malicious pickle
 * carrying the HDF5 magic at byte 512 would be parsed (and passed) as HDF5.
 */
export function looksLikeHdf5(head: Uint8Array): boolean {
  if (startsWith(head, HDF5_MAGIC, 0)) return true
  if (
    looksLikePickle(head) ||
    ascii(head, 0, 'PK') ||
    ascii(head, 0, 'GGUF') ||
    (head[0] === 0x93 && ascii(head, 1, 'NUMPY'))
  ) {
    return false
  }
  for (const at of [512, 1024, 2048]) if (startsWith(head, HDF5_MAGIC, at)) return true
  return false
}
