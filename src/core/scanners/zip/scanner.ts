import { constants as zc, inflateRawSync } from 'node:zlib'
import type { ByteSource } from '../byte-source'
import { bufferSource, sliceSource } from '../byte-source'
import { looksLikePickle } from '../pickle/sniff'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ModelMetadata, ScanContext } from '../types'
import type { ZipEntry } from './reader'
import { hasValidCentralDirectory, readZipDirectory, resolveLocal } from './reader'

const MAX_PREFIX_SCAN = 64 * 1024 * 1024

function ext(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const i = base.lastIndexOf('.')
  return i > 0 ? base.slice(i).toLowerCase() : ''
}

/** APE (`MZqFpD`), PE (`MZ`), ELF and shebang scripts: what llamafile executables start with. */
function isExecutableHead(h: Uint8Array): boolean {
  const a = Buffer.from(h).toString('latin1')
  return a.startsWith('MZ') || a.startsWith('\x7fELF') || a.startsWith('#!')
}

/** zip-slip: `..` segments, absolute paths, drive letters, UNC paths. */
export function isTraversalName(name: string): boolean {
  const n = name.replace(/\\/g, '/')
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return true
  return n.split('/').some((seg) => seg === '..')
}

type ZipFormat = 'zip' | 'pytorch-zip' | 'torchscript' | 'npz' | 'keras' | 'mar' | 'llamafile'

/** What kind of archive the member names describe. */
export function archiveKind(names: readonly string[]): ZipFormat {
  const files = names.filter((n) => !n.endsWith('/'))
  // TorchServe model archive: MAR-INF/MANIFEST.json beside the handler and the model.
  if (files.includes('MAR-INF/MANIFEST.json')) return 'mar'
  if (
    files.includes('config.json') &&
    (files.includes('metadata.json') || files.includes('model.weights.h5'))
  ) {
    return 'keras'
  }
  const hasPkl = files.some((n) => n.endsWith('.pkl'))
  if (
    hasPkl &&
    files.some((n) => /(^|\/)constants\.pkl$/.test(n)) &&
    files.some((n) => /(^|\/)code\//.test(n))
  ) {
    return 'torchscript'
  }
  if (files.some((n) => /(^|\/)data\.pkl$/.test(n))) return 'pytorch-zip'
  if (hasPkl && files.some((n) => /(^|\/)data\/[^/]+$/.test(n))) return 'pytorch-zip'
  if (files.length > 0 && files.every((n) => n.endsWith('.npy'))) return 'npz'
  return 'zip'
}

/** Tensor payload members of a PyTorch archive: never read (a 1 GiB checkpoint costs one pickle). */
function isTorchPayload(kind: ZipFormat, name: string): boolean {
  if (kind !== 'pytorch-zip' && kind !== 'torchscript') return false
  return /(^|\/)data\/[^/]+$/.test(name) && !name.endsWith('.pkl')
}

type Acc = {
  findings: ModelFinding[]
  invalid: string[]
  metadata: Record<string, ModelMetadata[string]>
}

function memberPath(ctx: ScanContext, name: string): string {
  return ctx.member ? `${ctx.member}!${name}` : name
}

/** Reads one member's bytes (stored: a window, no copy; deflated: bounded inflate). */
function openMember(
  src: ByteSource,
  en: ZipEntry,
  ctx: ScanContext,
  acc: Acc,
  budget: { inflated: number },
): ByteSource | undefined {
  const where = memberPath(ctx, en.name)
  const bad = (ruleId: string, message: string, invalid = true): undefined => {
    acc.findings.push({ ruleId, message, member: where, offset: en.localOffset })
    if (invalid) acc.invalid.push(`${where}: ${message}`)
    return undefined
  }
  if (en.error || en.dataStart === undefined)
    return bad('zip.corrupt-member', en.error ?? 'member header unreadable')
  if (en.dataStart + en.csize > src.size)
    return bad('zip.corrupt-member', 'member data runs past the end of the file')
  const { limits } = ctx
  if (en.method === 0) return sliceSource(src, en.dataStart, en.csize, en.name)
  if (en.method !== 8)
    return bad('zip.corrupt-member', `unsupported compression method ${en.method}`)
  // Bomb checks happen on the declared sizes BEFORE inflating anything.
  const ratio = en.usize / Math.max(1, en.csize)
  if (ratio > limits.maxCompressionRatio) {
    return bad(
      'zip.bomb',
      `member expands ${Math.round(ratio)}x (limit ${limits.maxCompressionRatio}x); not inflated`,
      false,
    )
  }
  if (budget.inflated + en.usize > limits.maxInflatedBytes) {
    return bad(
      'zip.bomb',
      `archive expands beyond ${limits.maxInflatedBytes} bytes in total; member not inflated`,
      false,
    )
  }
  if (en.usize > limits.maxMemberBytes || en.csize > limits.maxMemberBytes) {
    return bad(
      'zip.not-scanned',
      `member of ${en.usize} bytes is over the ${limits.maxMemberBytes}-byte scan limit`,
    )
  }
  // The declared size may lie: cap the output by ratio and budget as well.
  const cap = Math.max(
    1,
    Math.min(
      limits.maxMemberBytes,
      limits.maxInflatedBytes - budget.inflated,
      Math.floor(en.csize * limits.maxCompressionRatio) + 4096,
    ),
  )
  const raw = src.read(en.dataStart, en.csize)
  let out: Buffer
  try {
    // SYNC_FLUSH returns what inflated so far for truncated data instead of throwing.
    out = inflateRawSync(raw, { maxOutputLength: cap, finishFlush: zc.Z_SYNC_FLUSH })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      return bad(
        'zip.bomb',
        `member inflates beyond ${cap} bytes (declared ${en.usize}); not scanned`,
        false,
      )
    }
    return bad('zip.corrupt-member', `deflate data is damaged (${(e as Error).message})`)
  }
  budget.inflated += out.length
  if (out.length !== en.usize) {
    acc.findings.push({
      ruleId: 'zip.header-anomaly',
      message: `member inflates to ${out.length} bytes but the header declares ${en.usize}`,
      member: where,
    })
  }
  return bufferSource(out, en.name)
}

function mergeNested(acc: Acc, r: FormatScanResult, where: string, keepUnknown: boolean): void {
  // Members that are simply not models (README, version files) are dropped; anything else the
  // registry had to say about an unknown member (nesting too deep) is kept.
  if (
    r.format === 'unknown' &&
    !keepUnknown &&
    r.findings.every((f) => f.ruleId === 'model.unknown-format')
  ) {
    return
  }
  acc.findings.push(...r.findings)
  if (r.invalid !== undefined) acc.invalid.push(`${where}: ${r.invalid}`)
  if (r.metadata) {
    for (const [k, v] of Object.entries(r.metadata)) if (!(k in acc.metadata)) acc.metadata[k] = v
  }
}

/** Scans a zip archive: every member through the registry, plus archive-level checks. */
export function scanZip(src: ByteSource, ctx: ScanContext): FormatScanResult<ZipFormat> {
  const { limits } = ctx
  const dir = readZipDirectory(src, {
    maxEntries: limits.maxMembers,
    maxDirectoryBytes: Math.min(limits.maxHeaderBytes, src.size),
  })
  const acc: Acc = { findings: [], invalid: [], metadata: {} }
  const kind = archiveKind(dir.entries.map((e) => e.name))
  for (const p of dir.problems) {
    acc.findings.push({ ruleId: 'zip.header-anomaly', message: p, member: ctx.member })
  }
  if (!dir.central)
    acc.invalid.push('no usable central directory; members found from local headers')
  if (dir.entries.length === 0) {
    acc.invalid.push('archive has no readable members')
    acc.findings.push({
      ruleId: 'zip.corrupt-member',
      message: 'no readable members in the archive',
      member: ctx.member,
    })
  }
  if (dir.skipped > 0) {
    acc.findings.push({
      ruleId: 'zip.not-scanned',
      message: `${dir.skipped} members beyond the ${limits.maxMembers}-member limit were not scanned`,
      member: ctx.member,
    })
    acc.invalid.push('too many members')
  }
  // llamafile and other executables carrying a zip of weights (APE, ELF, PE, shell script): the
  // prefix is the program, reported as such below rather than as a polyglot trick.
  const executable = dir.prefix > 0 && isExecutableHead(src.read(0, 8))
  if (dir.prefix > 0 && !executable) {
    acc.findings.push({
      ruleId: 'zip.polyglot-prefix',
      message: `${dir.prefix} bytes precede the first archive member`,
      member: ctx.member,
      offset: 0,
    })
  }
  if (dir.prefix > 0) {
    const head = src.read(0, Math.min(dir.prefix, 4096))
    if (looksLikePickle(head) && dir.prefix <= MAX_PREFIX_SCAN) {
      mergeNested(
        acc,
        ctx.scanNested(sliceSource(src, 0, dir.prefix, '<prefix>'), '<prefix>'),
        '<prefix>',
        true,
      )
    }
  }
  const budget = { inflated: 0 }
  for (const en of dir.entries) {
    const where = memberPath(ctx, en.name)
    if (isTraversalName(en.name)) {
      acc.findings.push({
        ruleId: 'zip.path-traversal',
        message: `member name "${en.name.slice(0, 300)}" escapes the extraction folder`,
        member: where,
      })
    }
    if (en.isSymlink) {
      acc.findings.push({
        ruleId: 'zip.symlink',
        message: `member "${en.name.slice(0, 300)}" is a symbolic link`,
        member: where,
      })
      continue
    }
    // Tensor payloads of a torch archive are never touched, not even their local header.
    if (en.isDir || isTorchPayload(kind, en.name)) continue
    resolveLocal(src, en)
    if (en.anomalies.length > 0) {
      acc.findings.push({
        ruleId: 'zip.header-anomaly',
        message: en.anomalies.join('; '),
        member: where,
      })
    }
    try {
      const m = openMember(src, en, ctx, acc, budget)
      if (!m) continue
      const e = ext(en.name)
      const keepUnknown = ctx.hasModelExtension(en.name) || e === '.zip' || e === '.tar'
      mergeNested(acc, ctx.scanNested(m, en.name), where, keepUnknown)
    } catch (e) {
      // One bad member never hides the others.
      acc.findings.push({
        ruleId: 'zip.corrupt-member',
        message: `member could not be scanned: ${(e as Error).message}`,
        member: where,
      })
      acc.invalid.push(`${where}: unreadable`)
    }
  }
  acc.metadata.members = dir.entries.length
  let format: ZipFormat = kind
  if (kind === 'mar') {
    const code = dir.entries.filter((e) => !e.isDir && e.name.endsWith('.py')).map((e) => e.name)
    if (code.length > 0) {
      acc.findings.push({
        ruleId: 'archive.handler-code',
        message: `TorchServe runs ${code.length} Python file(s) from this archive: ${code.slice(0, 10).join(', ')}`,
        member: ctx.member,
      })
    }
  }
  if (executable) {
    format = 'llamafile'
    acc.findings.push({
      ruleId: 'archive.executable',
      message: `The file is a native executable with ${dir.entries.length} embedded member(s); the embedded model files were scanned`,
      member: ctx.member,
      offset: 0,
    })
  }
  return {
    format,
    findings: acc.findings,
    invalid: acc.invalid.length > 0 ? acc.invalid.slice(0, 5).join('; ') : undefined,
    metadata: acc.metadata,
  }
}

export const zipScanner = defineScanner({
  formats: ['zip', 'pytorch-zip', 'torchscript', 'npz', 'keras', 'mar', 'llamafile'],
  // torch.save writes a zip whatever the name; `.npz` and `.keras` are zips.
  claims: ['.npz', '.keras', '.pkl', '.pickle', '.joblib', '.dill', '.mar'],
  runsCode: true,
  extensions: [
    '.pt',
    '.pth',
    '.bin',
    '.ckpt',
    '.npz',
    '.keras',
    '.mar',
    '.ptl',
    '.torchscript',
    '.llamafile',
  ],
  sniff(head, src) {
    if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
      if ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
        return true
    }
    // Polyglot: something else first, a valid zip directory at the end. A tar whose last member
    // is a zip (a .nemo holding a torch checkpoint) is a tar: the tar scanner reaches the zip.
    const tar =
      head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar'
    return !tar && src.size >= 22 && hasValidCentralDirectory(src)
  },
  scan: scanZip,
})
