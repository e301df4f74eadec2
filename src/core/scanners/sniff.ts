import { looksLikePickle } from './pickle/sniff'

/**
 * Coarse content classification shared by the crawl and `scan-model`. The extension is only a
 * hint; these checks look at the first bytes (and, for zip, the end of the file).
 */
export const COARSE_FORMATS = [
  'gguf',
  'ggml',
  'safetensors',
  'pickle',
  'zip',
  'numpy',
  'hdf5',
  'tflite',
  'protobuf',
  'tar',
  '7z',
  'notebook',
  'json',
  'text',
  'unknown',
] as const
export type CoarseFormat = (typeof COARSE_FORMATS)[number]

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

/** Safetensors: u64 LE header length n with 2 <= n <= size - 8, then JSON starting with `{`. */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 10) return false
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const n = view.getBigUint64(0, true)
  if (n < 2n || n > BigInt(Math.max(0, size - 8))) return false
  let i = 8
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
  )
    i++
  return head[i] === 0x7b
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

/** Protobuf heuristic for ONNX ModelProto / TF SavedModel: field 1 varint then a length-delimited field. */
export function looksLikeModelProtobuf(head: Uint8Array): boolean {
  if (head.length < 4 || head[0] !== 0x08) return false
  // varint value (ir_version or schema version), 1-2 bytes, small.
  let i = 1
  let v = 0
  let shift = 0
  while (i < head.length && i < 4) {
    const b = head[i]!
    v |= (b & 0x7f) << shift
    i++
    if ((b & 0x80) === 0) break
    shift += 7
  }
  if (v < 1 || v > 64) return false
  const tag = head[i]
  if (tag === undefined) return false
  const wire = tag & 7
  const field = tag >> 3
  return wire === 2 && field >= 2 && field <= 20
}

function looksLikeText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024)
  if (n === 0) return true
  let bad = 0
  for (let i = 0; i < n; i++) {
    const c = head[i]!
    if (c === 0) return false
    if (c < 0x09 || (c > 0x0d && c < 0x20)) bad++
  }
  return bad / n < 0.02
}

function firstNonSpace(head: Uint8Array): number {
  let i = 0
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
  )
    i++
  return i
}

/**
 * Classify by the first bytes. `tail` (the last up to 64 KiB) lets zip polyglots be found: a file
 * that starts with something else but ends with a zip end-of-central-directory record.
 */
export function sniffHead(head: Uint8Array, size: number, tail?: Uint8Array): CoarseFormat {
  if (ascii(head, 0, 'GGUF')) return 'gguf'
  if (ascii(head, 0, 'lmgg') || ascii(head, 0, 'fmgg') || ascii(head, 0, 'tjgg')) return 'ggml'
  if (startsWith(head, [0x93]) && ascii(head, 1, 'NUMPY')) return 'numpy'
  if (ascii(head, 0, 'PK\x03\x04') || ascii(head, 0, 'PK\x05\x06')) return 'zip'
  if (looksLikeHdf5(head)) return 'hdf5'
  if (ascii(head, 4, 'TFL3')) return 'tflite'
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z'
  if (ascii(head, 257, 'ustar')) return 'tar'
  if (looksLikeSafetensors(head, size)) return 'safetensors'
  if (looksLikePickle(head)) {
    return 'pickle'
  }
  if (tail && hasZipEocd(tail)) return 'zip'
  if (looksLikeModelProtobuf(head)) return 'protobuf'
  const i = firstNonSpace(head)
  if (head[i] === 0x7b || head[i] === 0x5b) {
    const s = Buffer.from(head.subarray(i, Math.min(head.length, i + 4096))).toString('utf8')
    if (/"(cells|nbformat)"\s*:/.test(s)) return 'notebook'
    if (looksLikeText(head)) return 'json'
  }
  if (looksLikeText(head)) return 'text'
  return 'unknown'
}

/** Zip end-of-central-directory signature within the tail. */
export function hasZipEocd(tail: Uint8Array): boolean {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06)
      return true
  }
  return false
}

/** Extensions that suggest a model or model container (a hint, never proof). */
export const MODEL_EXTENSIONS: ReadonlySet<string> = new Set([
  '.pt',
  '.pth',
  '.bin',
  '.ckpt',
  '.pkl',
  '.pickle',
  '.joblib',
  '.dill',
  '.npy',
  '.npz',
  '.safetensors',
  '.gguf',
  '.ggml',
  '.onnx',
  '.h5',
  '.hdf5',
  '.keras',
  '.pb',
  '.tflite',
  '.lite',
  '.mar',
  '.model',
  '.mlmodel',
  '.mlpackage',
  '.msgpack',
  '.llamafile',
  '.dat',
  '.data',
  '.torchscript',
  '.ptl',
])

/** The format an extension claims, for the mismatch finding. */
export function formatClaimedByExtension(ext: string): CoarseFormat | undefined {
  switch (ext) {
    case '.safetensors':
      return 'safetensors'
    case '.gguf':
      return 'gguf'
    case '.onnx':
      return 'protobuf'
    case '.npy':
      return 'numpy'
    case '.npz':
    case '.keras':
      return 'zip'
    case '.h5':
    case '.hdf5':
      return 'hdf5'
    case '.tflite':
      return 'tflite'
    case '.pkl':
    case '.pickle':
    case '.joblib':
    case '.dill':
      return 'pickle'
    case '.txt':
    case '.md':
    case '.json':
    case '.csv':
      return 'text'
    default:
      return undefined
  }
}
