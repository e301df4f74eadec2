import type { ByteSource } from './byte-source'
import { sliceSource } from './byte-source'
import { scanPickleBytes } from './pickle/scan-pickle'
import { defineScanner } from './types'
import type { FormatScanResult, ModelFinding } from './types'

/** torch.save legacy magic number 0x1950a86a20f9469cfc6c as a protocol-2 LONG1 operand. */
const MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

/** Pickles in a legacy file: magic, protocol version, sys_info, the main object, storage keys. */
const LEGACY_PICKLES = 5

export function looksLikeTorchLegacy(head: Uint8Array): boolean {
  if (head.length < MAGIC.length) return false
  for (let i = 0; i < MAGIC.length; i++) if (head[i] !== MAGIC[i]) return false
  return true
}

/**
 * Legacy (non-zip) torch.save files. Every one of the five pickles is scanned (one peer scans only
 * the first, missing payloads in the main pickle); the raw storage bytes after them are data.
 */
export const pytorchLegacyScanner = defineScanner({
  formats: ['pytorch-legacy'],
  extensions: ['.pt', '.pth', '.bin', '.ckpt'],
  claims: ['.pkl', '.pickle', '.joblib', '.dill'],
  runsCode: true,
  coversLeadingPickle: true,
  sniff: looksLikeTorchLegacy,
  scan(src, ctx): FormatScanResult<'pytorch-legacy'> {
    const r = scanPickleBytes(src, ctx, { maxPickles: LEGACY_PICKLES, trailingAllowed: true })
    const findings: ModelFinding[] = [...r.findings]
    let invalid = r.invalid
    if (invalid === undefined && r.pickles < LEGACY_PICKLES) {
      invalid = `only ${r.pickles} of ${LEGACY_PICKLES} pickles present`
      findings.push({
        ruleId: 'pytorch.legacy-bad-structure',
        message: `Legacy PyTorch file holds ${r.pickles} of the ${LEGACY_PICKLES} expected pickles`,
        member: ctx.member,
        offset: r.end,
      })
    }
    return { format: 'pytorch-legacy', findings, invalid, metadata: { pickles: r.pickles } }
  },
})

/** Element sizes tried when walking legacy tar `storages` (size x numel bytes follow each pickle). */
const ELEMENT_SIZES = [4, 2, 1, 8, 16]

function u64At(src: ByteSource, at: number): number | undefined {
  const b = src.read(at, 8)
  if (b.length < 8) return undefined
  const v = new DataView(b.buffer, b.byteOffset, 8)
  const hi = v.getUint32(4, true)
  if (hi >= 0x200000) return undefined
  return hi * 0x100000000 + v.getUint32(0, true)
}

function startsPickleAt(src: ByteSource, at: number): boolean {
  const b = src.read(at, 2)
  return b.length === 2 && b[0] === 0x80 && b[1]! <= 5
}

/**
 * The `storages` / `tensors` members of a legacy torch tar: a count pickle, then per item an
 * argument pickle followed by raw bytes (storages: u64 numel x element size; tensors: i32 ndim,
 * sizes, strides, offset). Every argument pickle is scanned; the raw bytes are skipped.
 */
export function scanLegacyTarRecords(
  src: ByteSource,
  ctx: Readonly<{ member?: string }>,
  kind: 'storages' | 'tensors',
): { findings: ModelFinding[]; invalid?: string } {
  const findings: ModelFinding[] = []
  let pos = 0
  let guard = 0
  while (pos < src.size && guard++ < 1_000_000) {
    const part = sliceSource(src, pos, src.size - pos, src.name)
    const r = scanPickleBytes(part, ctx, { maxPickles: 1, trailingAllowed: true })
    findings.push(
      ...r.findings.map((f) => (f.offset === undefined ? f : { ...f, offset: f.offset + pos })),
    )
    if (r.invalid !== undefined || r.pickles === 0)
      return { findings, invalid: r.invalid ?? 'unreadable record' }
    pos += r.end
    if (guard === 1) continue // the count pickle has no payload after it
    if (pos >= src.size) break
    if (kind === 'tensors') {
      const b = src.read(pos, 4)
      if (b.length < 4) return { findings, invalid: 'tensor record truncated' }
      const ndim = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true)
      if (ndim < 0 || ndim > 64) return { findings, invalid: 'tensor record has a bad ndim' }
      pos += 4 + ndim * 16 + 8
      continue
    }
    const numel = u64At(src, pos)
    if (numel === undefined) return { findings, invalid: 'storage record truncated' }
    let next: number | undefined
    for (const es of ELEMENT_SIZES) {
      const q = pos + 8 + numel * es
      if (q === src.size || (q < src.size && startsPickleAt(src, q))) {
        next = q
        break
      }
    }
    if (next === undefined)
      return { findings, invalid: 'storage record size does not match any element size' }
    pos = next
  }
  return { findings }
}
