import { constants as zc, inflateRawSync } from 'node:zlib'
import type { ByteSource } from '../byte-source'
import { bufferSource, sliceSource } from '../byte-source'
import { holdInflated, inflateRoom, overBudget } from '../inflate-budget'
import { looksLikePickle } from '../pickle/sniff'
import { defineScanner, throwIfCancelled } from '../types'
import type { FormatScanResult, ModelFinding, ModelMetadata, ScanContext } from '../types'
import type { ZipEntry } from './reader'
import { hasValidCentralDirectory, readZipDirectory, resolveLocal } from './reader'

const MAX_PREFIX_SCAN = 64 * 1024 * 1024

function ext(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1)
  const i = base.lastIndexOf('.')
  return i > 0 ? base.slice(i).toLowerCase() : ''
}

/** zip-slip: `..` segments, absolute paths, drive letters, UNC paths. */
export function isTraversalName(name: string): boolean {
  const n = name.replace(/\\/g, '/')
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return true
  return n.split('/').some((seg) => seg === '..')
}

type ZipFormat =
  | 'zip'
  | 'pytorch-zip'
  | 'torchscript'
  | 'npz'
  | 'keras'
  | 'mar'
  | 'llamafile'
  | 'executable-archive'

/**
 * The executable a file starts with, when it starts with one: ELF, PE (`MZ`), Mach-O (thin or
 * fat) or a `#!` script. A zip behind such a header is an executable archive (a Python zipapp,
 * a self-extractor, a llamafile, a tool that embeds its data), not a polyglot model.
 */
export function executableHeader(head: Uint8Array): string | undefined {
  const b = (i: number): number => head[i] ?? -1
  if (b(0) === 0x7f && b(1) === 0x45 && b(2) === 0x4c && b(3) === 0x46) return 'ELF'
  if (b(0) === 0x4d && b(1) === 0x5a) return 'PE'
  const be = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0
  const le = ((b(3) << 24) | (b(2) << 16) | (b(1) << 8) | b(0)) >>> 0
  if ([0xfeedface, 0xfeedfacf, 0xcafebabe].includes(be) || [0xfeedface, 0xfeedfacf].includes(le))
    return 'Mach-O'
  if (b(0) === 0x23 && b(1) === 0x21) return 'script'
  return undefined
}

/**
 * Lower-cases ASCII letters only, as miniz's MZ_TOLOWER does: PyTorch looks records up with
 * mz_zip_reader_locate_file(..., flags 0), which matches names case-insensitively (and does not
 * normalise `./`, `//` or backslashes), so `archive/DATA.PKL` is the `data.pkl` torch.load reads.
 */
export function minizFold(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

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
  // Torch's reader resolves names case-insensitively (minizFold): classify as it would.
  const torch = files.map(minizFold)
  const hasPkl = torch.some((n) => n.endsWith('.pkl'))
  if (
    hasPkl &&
    torch.some((n) => /(^|\/)constants\.pkl$/.test(n)) &&
    torch.some((n) => /(^|\/)code\//.test(n))
  ) {
    return 'torchscript'
  }
  if (torch.some((n) => /(^|\/)data\.pkl$/.test(n))) return 'pytorch-zip'
  if (hasPkl && torch.some((n) => /(^|\/)data\/[^/]+$/.test(n))) return 'pytorch-zip'
  if (files.length > 0 && files.every((n) => n.endsWith('.npy'))) return 'npz'
  return 'zip'
}

/**
 * Tensor payload members of a PyTorch archive: never read (a 1 GiB checkpoint costs one pickle).
 * Anything torch could resolve as a pickle (`.pkl` in any letter case: `data.PKL` in an archive
 * folder named `data` is its `data.pkl`) is not payload and is scanned.
 */
function isTorchPayload(kind: ZipFormat, name: string): boolean {
  if (kind !== 'pytorch-zip' && kind !== 'torchscript') return false
  const n = minizFold(name)
  return /(^|\/)data\/[^/]+$/.test(n) && !n.endsWith('.pkl')
}

/**
 * Members whose names are equal, or equal ignoring ASCII case: which one a loader opens depends
 * on the loader (zipfile keeps the last exact match, miniz's sorted binary search any that folds
 * equal). All of them are scanned; the ambiguity is reported.
 */
function nameCollisions(entries: readonly ZipEntry[]): string[][] {
  const byFold = new Map<string, string[]>()
  for (const en of entries) {
    if (en.isDir) continue
    // Within one directory view: the same name in two views is reported as the views' conflict.
    const k = `${en.view ?? 0}\0${minizFold(en.name)}`
    const g = byFold.get(k)
    if (g) g.push(en.name)
    else byFold.set(k, [en.name])
  }
  return [...byFold.values()].filter((g) => g.length > 1)
}

type Acc = {
  findings: ModelFinding[]
  invalid: string[]
  metadata: Record<string, ModelMetadata[string]>
  /** Members some registered scanner claimed as model or pickle content (not code or config). */
  modelMembers: number
  /**
   * An executable archive's Python and config members are the program's own files, run when the
   * program is run, never by a model loader: they are not judged as model code.
   */
  programFiles: boolean
}

/**
 * Formats of member-only scanners that read code and configs a model loader runs (TorchServe
 * handlers, TorchScript code/, NeMo configs): members, but not model content.
 */
export const CODE_MEMBER_FORMATS: ReadonlySet<string> = new Set(['python-code', 'model-config'])

function memberPath(ctx: ScanContext, name: string): string {
  return ctx.member ? `${ctx.member}!${name}` : name
}

/** A member's bytes, and how many of them were inflated (held live while the member is scanned). */
type Opened = { src: ByteSource; inflated: number }

/**
 * Reads one member's bytes (stored: a window, no copy; deflated: bounded inflate). Inflated
 * bytes count against the file-wide budget (inflate-budget.ts), which nested archives share.
 */
function openMember(src: ByteSource, en: ZipEntry, ctx: ScanContext, acc: Acc): Opened | undefined {
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
  const { limits, budget } = ctx
  if (en.method === 0)
    return { src: sliceSource(src, en.dataStart, en.csize, en.name), inflated: 0 }
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
    return bad('zip.bomb', `${overBudget(ctx, en.usize)}; member not inflated`, false)
  }
  if (en.usize > limits.maxMemberBytes || en.csize > limits.maxMemberBytes) {
    return bad(
      'zip.not-scanned',
      `member of ${en.usize} bytes is over the ${limits.maxMemberBytes}-byte scan limit`,
    )
  }
  // Enclosing archives' buffers are still alive: a member that would raise what this file's
  // scan holds at once over the cap is not inflated (and the scan is not complete: invalid).
  const held = overBudget(ctx, en.usize)
  if (held) return bad('zip.not-scanned', `${held}; member not inflated`)
  // The declared size may lie: cap the output by ratio and budget as well.
  const cap = Math.max(
    1,
    Math.min(
      limits.maxMemberBytes,
      inflateRoom(ctx),
      Math.floor(en.csize * limits.maxCompressionRatio) + 4096,
    ),
  )
  const raw = src.read(en.dataStart, en.csize)
  let out: Buffer
  try {
    // SYNC_FLUSH returns what inflated so far for truncated data instead of throwing.
    // One output chunk the declared size (+1, so zlib needs no second chunk to see the end):
    // Node joins several chunks into a copy, which doubled the peak for a large member.
    const chunkSize = Math.max(64, Math.min(cap + 1, Math.max(16_384, en.usize + 1)))
    out = inflateRawSync(raw, { maxOutputLength: cap, chunkSize, finishFlush: zc.Z_SYNC_FLUSH })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      return bad(
        'zip.bomb',
        `member inflates beyond ${cap} bytes (declared ${en.usize}; the cap includes what this file's scan already inflated); not scanned`,
        false,
      )
    }
    return bad('zip.corrupt-member', `deflate data is damaged (${(e as Error).message})`)
  }
  if (out.length !== en.usize) {
    acc.findings.push({
      ruleId: 'zip.header-anomaly',
      message: `member inflates to ${out.length} bytes but the header declares ${en.usize}`,
      member: where,
    })
  }
  return { src: bufferSource(out, en.name), inflated: out.length }
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
  if (CODE_MEMBER_FORMATS.has(r.format)) {
    if (acc.programFiles) return
  } else if (r.format !== 'unknown') acc.modelMembers++
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
    mayHoldCode: (name) => ctx.hasModelExtension(name) || ext(name) === '' || ext(name) === '.zip',
  })
  const names = archiveKind(dir.entries.map((e) => e.name))
  const prefixSrc = sliceSource(src, 0, dir.prefix, '<prefix>')
  const prefixHead = prefixSrc.read(0, 4096)
  // A pickle in front is scanned whatever else the prefix looks like (torch.load reads it).
  const prefixPickle = dir.prefix > 0 && looksLikePickle(prefixHead, prefixSrc)
  const exe = dir.prefix > 0 && !prefixPickle ? executableHeader(prefixHead) : undefined
  const kind: ZipFormat = exe && names === 'zip' ? 'executable-archive' : names
  const acc: Acc = {
    findings: [],
    invalid: [],
    metadata: {},
    modelMembers: 0,
    programFiles: kind === 'executable-archive',
  }
  if (exe) acc.metadata.executable = exe
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
    // Members whose names cannot hold a model are data; any that could is a gap in the scan.
    acc.findings.push({
      ruleId: 'zip.not-scanned',
      ...(dir.skippedRisky > 0 ? { severity: 'high' as const } : {}),
      message:
        dir.skippedRisky > 0
          ? `${dir.skipped} members beyond the member limit were not scanned, ${dir.skippedRisky} of them named like models or pickles`
          : `${dir.skipped} members beyond the ${limits.maxMembers}-member limit were not scanned (none named like a model or pickle; every such member was scanned)`,
      member: ctx.member,
    })
    acc.invalid.push('too many members')
  }
  // An executable in front is how zipapps, self-extractors and llamafiles are built: the archive
  // is judged by its members. Anything else in front is a polyglot.
  if (dir.prefix > 0 && !exe) {
    acc.findings.push({
      ruleId: 'zip.polyglot-prefix',
      message: `${dir.prefix} bytes precede the first archive member`,
      member: ctx.member,
      offset: 0,
    })
    if (prefixPickle && dir.prefix <= MAX_PREFIX_SCAN) {
      mergeNested(acc, ctx.scanNested(prefixSrc, '<prefix>'), '<prefix>', true)
    }
  }
  for (const g of nameCollisions(dir.entries).slice(0, 20)) {
    acc.findings.push({
      ruleId: 'zip.header-anomaly',
      message: `${g.length} members are named ${
        g.every((n) => n === g[0])
          ? `"${g[0]!.slice(0, 200)}"`
          : `${g
              .slice(0, 4)
              .map((n) => `"${n.slice(0, 200)}"`)
              .join(', ')} (equal ignoring letter case, as PyTorch compares names)`
      }; loaders disagree on which one they open; all were scanned`,
      member: memberPath(ctx, g[0]!),
    })
  }
  for (const en of dir.entries) {
    throwIfCancelled(ctx.signal)
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
      const m = openMember(src, en, ctx, acc)
      if (!m) continue
      const e = ext(en.name)
      const keepUnknown = ctx.hasModelExtension(en.name) || e === '.zip' || e === '.tar'
      const r = holdInflated(ctx, m.inflated, () => ctx.scanNested(m.src, en.name))
      mergeNested(acc, r, where, keepUnknown)
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
  acc.metadata.modelMembers = acc.modelMembers
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
  // An executable carrying model members (a llamafile) is a program with a model inside; one
  // without (a zipapp, a tool that embeds its data) stays an executable archive, no finding.
  if (exe && acc.modelMembers > 0) {
    if (format === 'executable-archive') format = 'llamafile'
    acc.findings.push({
      ruleId: 'archive.executable',
      message: `The file is a native executable (${exe}) with ${acc.modelMembers} embedded model member(s); the embedded model files were scanned`,
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
  formats: [
    'zip',
    'pytorch-zip',
    'torchscript',
    'npz',
    'keras',
    'mar',
    'llamafile',
    'executable-archive',
  ],
  // torch.save writes a zip whatever the name; `.npz` and `.keras` are zips.
  claims: ['.npz', '.keras', '.pkl', '.pickle', '.joblib', '.dill', '.mar'],
  runsCode: true,
  coversLeadingPickle: true,
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
