import { holdInflated, overBudget } from '../inflate-budget'
import type { ByteSource } from '../byte-source'
import { bufferSource } from '../byte-source'
import type { FormatScanResult, ModelFinding, ModelMetadata, ScanContext } from '../types'
import { defineScanner } from '../types'
import { isTraversalName } from '../zip/scanner'
import { bomb, unscannable } from './common'
import type { SevenZipRun } from './seven-zip-engine'
import {
  engineFailure,
  engineReady,
  noteDecoderMiss,
  recycleIfLarge,
  runSevenZip,
  sevenZipFs,
} from './seven-zip-engine'

const MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]
/** A password no archive uses: an encrypted archive then fails instead of asking for one. */
const NO_PASSWORD = '-paiscout-no-password'

type Entry = {
  path: string
  size: number
  packed: number
  dir: boolean
  encrypted: boolean
  symlink: boolean
  method: string
}

/** Parses `7zz l -slt -ba` output (blocks of `Key = Value` lines separated by blank lines). */
export function parseListing(lines: readonly string[]): Entry[] {
  const entries: Entry[] = []
  let cur: Record<string, string> = {}
  const flush = (): void => {
    if (cur['Path'] !== undefined) {
      const attrs = cur['Attributes'] ?? ''
      entries.push({
        path: cur['Path'],
        size: Number(cur['Size'] || 0),
        packed: Number(cur['Packed Size'] || 0),
        dir: cur['Folder'] === '+' || /^D/.test(attrs),
        encrypted: cur['Encrypted'] === '+',
        symlink: / l[rwx-]{9}/.test(attrs),
        method: cur['Method'] ?? '',
      })
    }
    cur = {}
  }
  for (const raw of lines) {
    for (const full of raw.split('\n')) {
      // Progress output ends in backspaces; the listing text follows the last one.
      const line = full.slice(full.lastIndexOf('\b') + 1)
      if (line.trim() === '') {
        flush()
        continue
      }
      const i = line.indexOf(' = ')
      if (i > 0) cur[line.slice(0, i)] = line.slice(i + 3)
    }
  }
  flush()
  return entries
}

let runId = 0

/** 7-Zip's exit status does not survive the WebAssembly runtime: its error lines decide. */
function failed(r: SevenZipRun): boolean {
  return r.code !== 0 || r.stderr.some((l) => /error|wrong password|can ?not open/i.test(l))
}

function reason(r: SevenZipRun): string {
  // An abort (7-Zip threw inside WebAssembly) leaves only a number: encrypted headers or damage.
  if (r.code === -2) return 'encrypted headers or damaged data (7-Zip stopped)'
  return r.stderr
    .filter((l) => l.trim() && !/^ERROR: \//.test(l))
    .join('; ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
}

/**
 * 7z archives: listed and extracted by 7-Zip in WebAssembly (seven-zip-engine.ts), each file sent
 * back through the registry. Declared sizes are checked before anything is extracted (7-Zip never
 * writes more than a folder's declared size), with the zip bomb limits; encrypted, damaged or
 * oversized archives are unscannable at medium, never safe.
 */
export function scanSevenZip(src: ByteSource, ctx: ScanContext): FormatScanResult<'7z'> {
  const { limits } = ctx
  const where = ctx.member ?? src.name
  if (!engineReady()) {
    noteDecoderMiss()
    return unscannable(
      '7z',
      ctx,
      `7-Zip decoder not available${engineFailure() ? `: ${engineFailure()}` : ''}`,
    )
  }
  if (src.size > limits.maxMemberBytes)
    return unscannable('7z', ctx, `${src.size} bytes, over the ${limits.maxMemberBytes}-byte limit`)
  const fs = sevenZipFs()!
  const id = ++runId
  const arc = `/aiscout-${id}.7z`
  const outDir = `/aiscout-out-${id}`
  try {
    fs.writeFile(arc, src.read(0, src.size))
    const list = runSevenZip(['l', '-slt', '-ba', '-bd', '-bsp0', '-t7z', NO_PASSWORD, arc])
    if (failed(list)) {
      const why = reason(list)
      return unscannable(
        '7z',
        ctx,
        /password|encrypt/i.test(why) ? 'encrypted' : `cannot open: ${why || 'damaged'}`,
      )
    }
    const entries = parseListing(list.stdout)
    const files = entries.filter((e) => !e.dir)
    const findings: ModelFinding[] = []
    const invalid: string[] = []
    const metadata: Record<string, ModelMetadata[string]> = { members: files.length }
    for (const e of entries) {
      const m = ctx.member ? `${ctx.member}!${e.path}` : e.path
      if (isTraversalName(e.path)) {
        findings.push({
          ruleId: 'zip.path-traversal',
          message: `7z member name "${e.path.slice(0, 300)}" escapes the extraction folder`,
          member: m,
        })
      }
      if (e.symlink) {
        findings.push({
          ruleId: 'zip.symlink',
          message: `7z member "${e.path.slice(0, 300)}" is a symbolic link`,
          member: m,
        })
      }
    }
    if (files.some((e) => e.encrypted)) return unscannable('7z', ctx, 'encrypted members')
    if (files.length > limits.maxMembers)
      return unscannable(
        '7z',
        ctx,
        `${files.length} members, over the ${limits.maxMembers}-member limit`,
      )
    const total = files.reduce((n, e) => n + e.size, 0)
    const cap = Math.min(limits.maxInflatedBytes, src.size * limits.maxCompressionRatio + 65_536)
    if (total > cap) {
      return {
        ...bomb(
          '7z',
          ctx,
          `${where}: declares ${total} bytes of content (limit ${cap}); not extracted`,
          findings,
        ),
        metadata,
      }
    }
    const big = files.find((e) => e.size > limits.maxMemberBytes)
    if (big)
      return unscannable(
        '7z',
        ctx,
        `member ${big.path} of ${big.size} bytes is over the scan limit`,
      )
    fs.mkdir(outDir)
    const x = runSevenZip([
      'x',
      '-t7z',
      '-y',
      '-bd',
      '-bsp0',
      '-spd',
      NO_PASSWORD,
      `-o${outDir}`,
      arc,
    ])
    if (failed(x)) {
      const why = reason(x)
      findings.push({
        ruleId: 'archive.unscannable',
        message: `${where}: 7z data could not be fully extracted (${why || 'damaged'}); extracted members were scanned`,
        member: ctx.member,
      })
      invalid.push('7z data damaged')
    }
    for (const e of files) {
      if (e.symlink) continue
      const p = `${outDir}/${e.path.replace(/\\/g, '/')}`
      let bytes: Uint8Array
      try {
        bytes = fs.readFile(p)
      } catch {
        continue // not extracted (damaged folder, sanitized name): covered by the finding above
      }
      try {
        fs.unlink(p)
      } catch {
        // Freed with the directory below.
      }
      const m = ctx.member ? `${ctx.member}!${e.path}` : e.path
      // Members share the file-wide budget with enclosing archives (inflate-budget.ts).
      const over = overBudget(ctx, bytes.length)
      if (over) {
        findings.push({
          ruleId: 'archive.unscannable',
          message: `${m}: ${over}; not scanned`,
          member: m,
        })
        invalid.push(`${m}: over the inflate budget`)
        continue
      }
      const r = holdInflated(ctx, bytes.length, () =>
        ctx.scanNested(bufferSource(bytes, e.path), e.path),
      )
      if (
        r.format === 'unknown' &&
        !ctx.hasModelExtension(e.path) &&
        r.findings.every((f) => f.ruleId === 'model.unknown-format')
      )
        continue
      findings.push(...r.findings)
      if (r.invalid !== undefined) invalid.push(`${m}: ${r.invalid}`)
      if (r.metadata)
        for (const [k, v] of Object.entries(r.metadata)) if (!(k in metadata)) metadata[k] = v
    }
    metadata['methods'] = [...new Set(files.map((e) => e.method).filter(Boolean))].slice(0, 10)
    return {
      format: '7z',
      findings,
      ...(invalid.length > 0 ? { invalid: invalid.slice(0, 5).join('; ') } : {}),
      metadata,
    }
  } catch (e) {
    return unscannable('7z', ctx, `7-Zip failed: ${(e as Error).message ?? String(e)}`)
  } finally {
    cleanup(arc, outDir)
    recycleIfLarge()
  }
}

/** Removes what one scan left in the in-memory file system. */
function cleanup(arc: string, outDir: string): void {
  const fs = sevenZipFs()
  if (!fs) return
  try {
    fs.unlink(arc)
  } catch {
    // Never written.
  }
  const rm = (p: string): void => {
    let st
    try {
      st = fs.stat(p)
    } catch {
      return
    }
    if (fs.isDir(st.mode)) {
      for (const n of fs.readdir(p)) if (n !== '.' && n !== '..') rm(`${p}/${n}`)
      try {
        fs.rmdir(p)
      } catch {
        // Already gone.
      }
    } else {
      try {
        fs.unlink(p)
      } catch {
        // Already gone.
      }
    }
  }
  rm(outDir)
}

export const sevenZipScanner = defineScanner({
  formats: ['7z'],
  extensions: ['.7z'],
  claims: ['.7z'],
  sniff: (head) => head.length >= 6 && MAGIC.every((b, i) => head[i] === b),
  scan: scanSevenZip,
})
