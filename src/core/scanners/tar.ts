import type { ByteSource } from './byte-source'
import { sliceSource } from './byte-source'
import { scanLegacyTarRecords } from './pytorch-legacy'
import { defineScanner, throwIfCancelled } from './types'
import type { FormatScanResult, ModelFinding, ModelMetadata } from './types'
import { CODE_MEMBER_FORMATS, isTraversalName } from './zip/scanner'

type TarMember = { name: string; type: string; offset: number; size: number; link: string }

function cstr(b: Uint8Array, from: number, len: number): string {
  const s = b.subarray(from, from + len)
  const z = s.indexOf(0)
  return Buffer.from(z >= 0 ? s.subarray(0, z) : s).toString('utf8')
}

function octal(b: Uint8Array, from: number, len: number): number | undefined {
  if (b[from]! & 0x80) {
    // base-256 (GNU) for sizes over 8 GiB
    let v = 0
    for (let i = 1; i < len; i++) v = v * 256 + b[from + i]!
    return v
  }
  const s = cstr(b, from, len).trim()
  if (s === '') return 0
  if (!/^[0-7]+$/.test(s)) return undefined
  return parseInt(s, 8)
}

function checksumOk(h: Uint8Array): boolean {
  const want = octal(h, 148, 8)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!
  return want === sum
}

/** Walks tar headers (ustar, GNU long names, PAX path). Returns members and the first problem. */
export function readTar(
  src: ByteSource,
  maxMembers: number,
): { members: TarMember[]; problem?: string } {
  const members: TarMember[] = []
  let at = 0
  let longName: string | undefined
  while (at + 512 <= src.size) {
    const h = src.read(at, 512)
    if (h.every((x) => x === 0)) return { members }
    if (!checksumOk(h)) return { members, problem: `bad header checksum at offset ${at}` }
    const size = octal(h, 124, 12)
    if (size === undefined) return { members, problem: `bad size field at offset ${at}` }
    const type = String.fromCharCode(h[156] || 0x30)
    const dataAt = at + 512
    if (dataAt + size > src.size)
      return { members, problem: `member at offset ${at} runs past the end` }
    let name = cstr(h, 0, 100)
    const prefix = cstr(h, 345, 155)
    if (prefix && cstr(h, 257, 5) === 'ustar') name = `${prefix}/${name}`
    if (type === 'L') {
      longName = cstr(src.read(dataAt, Math.min(size, 65536)), 0, Math.min(size, 65536))
    } else if (type === 'x') {
      const pax = Buffer.from(src.read(dataAt, Math.min(size, 65536))).toString('utf8')
      const m = /\d+ path=([^\n]*)\n/.exec(pax)
      if (m) longName = m[1]
    } else if (type !== 'g') {
      if (longName !== undefined) name = longName
      longName = undefined
      if (members.length >= maxMembers) return { members, problem: 'too many members' }
      members.push({ name, type, offset: dataAt, size, link: cstr(h, 157, 100) })
    }
    at = dataAt + Math.ceil(size / 512) * 512
  }
  return { members }
}

/**
 * torch.load hands any tar to legacy_load, which unpickles `storages` first, then `tensors`, then
 * `pickle`; `sys_info` is not read (old writers add it, but a checkpoint without it still loads).
 * So a tar with a root `storages` member is a torch checkpoint to the loader, and those three
 * members are pickles whatever their bytes look like.
 */
const TORCH_TAR_TRIGGER = 'storages'

export const tarScanner = defineScanner({
  formats: ['tar', 'pytorch-tar', 'nemo'],
  // Legacy torch.save tars and NeMo checkpoints; other `.tar` files are archives, not model
  // candidates.
  extensions: ['.pt', '.pth', '.nemo'],
  sniff(head) {
    return head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar'
  },
  scan(src, ctx): FormatScanResult<'tar' | 'pytorch-tar' | 'nemo'> {
    const { members, problem } = readTar(src, ctx.limits.maxMembers)
    const names = members.map((m) => m.name)
    const torch = names.includes(TORCH_TAR_TRIGGER)
    const findings: ModelFinding[] = []
    const invalid: string[] = []
    const metadata: Record<string, ModelMetadata[string]> = { members: members.length }
    let modelMembers = 0
    if (problem) {
      findings.push({
        ruleId: 'tar.corrupt',
        message: `Tar archive damaged: ${problem}`,
        member: ctx.member,
      })
      invalid.push(problem)
    }
    for (const m of members) {
      throwIfCancelled(ctx.signal)
      const where = ctx.member ? `${ctx.member}!${m.name}` : m.name
      if (isTraversalName(m.name)) {
        findings.push({
          ruleId: 'tar.path-traversal',
          message: `member name "${m.name.slice(0, 300)}" escapes the extraction folder`,
          member: where,
        })
      }
      if (m.type === '1' || m.type === '2') {
        findings.push({
          ruleId: 'tar.link-member',
          message: `member "${m.name.slice(0, 300)}" links to "${m.link.slice(0, 300)}"`,
          member: where,
        })
        continue
      }
      if (m.type !== '0' && m.type !== '\0' && m.type !== '7') continue
      const body = sliceSource(src, m.offset, m.size, m.name)
      if (torch && (m.name === 'storages' || m.name === 'tensors')) {
        const r = scanLegacyTarRecords(body, { member: where }, m.name)
        findings.push(...r.findings)
        if (r.invalid) invalid.push(`${where}: ${r.invalid}`)
        continue
      }
      // The main `pickle` goes through the pickle scanner even when nothing claims it.
      const r = ctx.scanNested(body, m.name, { unpickled: torch && m.name === 'pickle' })
      const keep =
        r.format !== 'unknown' ||
        // `.model` is also sentencepiece's tokenizer (inside every NeMo LLM checkpoint): an
        // unknown `.model` member is a tokenizer, not an unscannable weight file.
        (ctx.hasModelExtension(m.name) && !m.name.toLowerCase().endsWith('.model')) ||
        (torch && (m.name === 'pickle' || m.name === 'sys_info'))
      if (!keep) continue
      if (r.format !== 'unknown' && !CODE_MEMBER_FORMATS.has(r.format)) modelMembers++
      findings.push(...r.findings)
      if (r.invalid !== undefined) invalid.push(`${where}: ${r.invalid}`)
      if (r.metadata)
        for (const [k, v] of Object.entries(r.metadata)) if (!(k in metadata)) metadata[k] = v
    }
    metadata.modelMembers = modelMembers
    // NeMo checkpoints: a tar holding model_config.yaml beside the weights.
    const nemo = names.some((n) => n === 'model_config.yaml' || n.endsWith('/model_config.yaml'))
    return {
      format: torch ? 'pytorch-tar' : nemo ? 'nemo' : 'tar',
      findings,
      invalid: invalid.length > 0 ? invalid.slice(0, 5).join('; ') : undefined,
      metadata,
    }
  },
})
