import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, posix, resolve, sep, win32 } from 'node:path'
import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import type { PbField } from './protobuf/wire'
import { intOf, PbSource } from './protobuf/wire'
import { baseNameOf, FormatError, invalidResult } from './util'

/** Custom domains shipped with common runtimes: still custom, but expected. */
const WELL_KNOWN_DOMAINS = new Set([
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'ai.onnx.contrib',
  'com.ms.internal.nhwc',
  'ai.onnx.preview.training',
  'ai.onnx.training',
])
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml'])
const MAX_GRAPH_NESTING = 32

type Stats = {
  nodes: number
  initializers: number
  domains: Set<string>
  external: { location: string; tensor: string }[]
}

/**
 * Is an external_data location unsafe? Absolute paths (POSIX, Windows drive or UNC), `..` after
 * normalisation, and paths that resolve outside the model directory (following symlinks when
 * the files exist) all are (CVE-2022-25882, CVE-2024-27318).
 */
export function externalLocationProblem(
  location: string,
  modelPath: string | undefined,
): string | undefined {
  if (location.includes('\0')) return 'contains a NUL byte'
  if (
    location.startsWith('/') ||
    location.startsWith('\\') ||
    win32.isAbsolute(location) ||
    /^[a-zA-Z]:/.test(location)
  )
    return 'is absolute'
  const norm = posix.normalize(location.replace(/\\/g, '/'))
  if (norm === '..' || norm.startsWith('../') || norm.split('/').includes('..'))
    return 'climbs out of the model directory with ".."'
  if (!modelPath) return undefined
  const dir = dirname(modelPath)
  const target = resolve(dir, norm)
  let realDir = dir
  let realTarget = target
  try {
    realDir = realpathSync(dir)
  } catch {
    return undefined
  }
  try {
    realTarget = realpathSync(target)
  } catch {
    return undefined // missing file: the loader fails, nothing leaks
  }
  const inside =
    realTarget === realDir || realTarget.startsWith(realDir.endsWith(sep) ? realDir : realDir + sep)
  return inside || isAbsolute(location)
    ? undefined
    : `resolves through a symlink to ${realTarget}, outside the model directory`
}

function walkTensor(pb: PbSource, f: PbField, stats: Stats): void {
  stats.initializers++
  let name = ''
  let external = false
  const locations: string[] = []
  for (const t of pb.fields(f.start, f.end)) {
    if (t.no === 8 && t.wire === 2) name = pb.string(t, 4096)
    else if (t.no === 14 && t.wire === 0) external = t.int === 1n
    else if (t.no === 13 && t.wire === 2) {
      let key = ''
      let value = ''
      for (const e of pb.fields(t.start, t.end)) {
        if (e.no === 1 && e.wire === 2) key = pb.string(e, 4096)
        else if (e.no === 2 && e.wire === 2) value = pb.string(e, 65536)
      }
      if (key === 'location') locations.push(value)
    }
  }
  // A location is honoured by loaders whether or not data_location says EXTERNAL: check both.
  void external
  for (const location of locations) stats.external.push({ location, tensor: name })
}

function walkGraph(pb: PbSource, start: number, end: number, stats: Stats, nesting: number): void {
  if (nesting > MAX_GRAPH_NESTING) throw new FormatError('subgraphs nested too deeply', start)
  for (const g of pb.fields(start, end)) {
    if (g.wire !== 2) continue
    if (g.no === 1) walkNode(pb, g, stats, nesting)
    else if (g.no === 5) walkTensor(pb, g, stats)
    else if (g.no === 15) {
      // SparseTensorProto: values (1) and indices (2) are TensorProtos.
      for (const s of pb.fields(g.start, g.end))
        if ((s.no === 1 || s.no === 2) && s.wire === 2) walkTensor(pb, s, stats)
    }
  }
}

function walkNode(pb: PbSource, n: PbField, stats: Stats, nesting: number): void {
  stats.nodes++
  for (const f of pb.fields(n.start, n.end)) {
    if (f.no === 7 && f.wire === 2) stats.domains.add(pb.string(f, 1024))
    else if (f.no === 5 && f.wire === 2) {
      // AttributeProto: t (5) tensor, g (6) graph, tensors (10), graphs (11).
      for (const a of pb.fields(f.start, f.end)) {
        if (a.wire !== 2) continue
        if (a.no === 5 || a.no === 10) walkTensor(pb, a, stats)
        else if (a.no === 6 || a.no === 11) walkGraph(pb, a.start, a.end, stats, nesting + 1)
      }
    }
  }
}

export function scanOnnx(src: ByteSource, ctx: ScanContext): FormatScanResult<'onnx'> {
  const findings: ModelFinding[] = []
  const stats: Stats = { nodes: 0, initializers: 0, domains: new Set(), external: [] }
  const metadata: Record<string, string | number | readonly string[]> = {}
  try {
    const pb = new PbSource(src)
    const opsets: string[] = []
    let producer = ''
    let producerVersion = ''
    let functions = 0
    let sawGraph = false
    for (const f of pb.fields(0, src.size)) {
      switch (f.no) {
        case 1:
          if (f.wire === 0) metadata['irVersion'] = intOf(f) ?? -1
          break
        case 2:
          if (f.wire === 2) producer = pb.string(f, 1024)
          break
        case 3:
          if (f.wire === 2) producerVersion = pb.string(f, 1024)
          break
        case 7:
          if (f.wire === 2) {
            sawGraph = true
            walkGraph(pb, f.start, f.end, stats, 0)
          }
          break
        case 8:
          if (f.wire === 2) {
            const m = pb.fieldMap(f.start, f.end)
            const d = m.get(1)?.[0]
            const domain = d ? pb.string(d, 1024) : ''
            const v = intOf(m.get(2)?.[0])
            opsets.push(`${domain || 'ai.onnx'}:${v ?? '?'}`)
            if (domain === '' || domain === 'ai.onnx') metadata['opset'] = v ?? -1
          }
          break
        case 25:
          if (f.wire === 2) {
            functions++
            for (const fn of pb.fields(f.start, f.end))
              if (fn.no === 7 && fn.wire === 2) walkNode(pb, fn, stats, 0)
          }
          break
      }
    }
    if (!sawGraph) throw new FormatError('ONNX model has no graph')
    if (producer)
      metadata['producer'] = producerVersion ? `${producer} ${producerVersion}` : producer
    metadata['opsets'] = opsets
    metadata['nodeCount'] = stats.nodes
    metadata['tensorCount'] = stats.initializers
    const outer = ctx.depth === 0 ? ctx.path : undefined
    for (const { location, tensor } of stats.external) {
      const problem = externalLocationProblem(location, outer)
      if (problem) {
        findings.push({
          ruleId: 'onnx.external-data-traversal',
          message: `tensor ${JSON.stringify(tensor)} loads external data from ${JSON.stringify(location)}, which ${problem}`,
          member: ctx.member,
        })
      }
    }
    if (stats.external.length > 0)
      metadata['externalDataFiles'] = [...new Set(stats.external.map((e) => e.location))].slice(
        0,
        100,
      )
    for (const d of stats.domains) {
      if (STANDARD_DOMAINS.has(d)) continue
      findings.push({
        ruleId: 'onnx.custom-domain',
        severity: WELL_KNOWN_DOMAINS.has(d) ? 'low' : 'medium',
        message: `operators from custom domain ${JSON.stringify(d)}`,
        member: ctx.member,
      })
    }
    if (functions > 0)
      findings.push({
        ruleId: 'onnx.local-function',
        message: `model defines ${functions} local function(s)`,
        member: ctx.member,
      })
    return { format: 'onnx', findings, metadata }
  } catch (e) {
    return invalidResult('onnx', 'onnx.invalid', e, findings, ctx.member, metadata)
  }
}

/** ModelProto starts with ir_version (field 1) and always carries graph (7); SavedModel has only 1 and 2. */
export function looksLikeOnnx(head: Uint8Array, src: ByteSource): boolean {
  if (head[0] !== 0x08) return false
  try {
    const pb = new PbSource(src, 64)
    let n = 0
    for (const f of pb.fields(0, src.size)) {
      if (f.no === 7 || f.no === 8) return true
      if (f.no > 25 || ++n > 16) return false
    }
  } catch {
    // Head cut mid-field: decide on what was seen.
  }
  return false
}

export const onnxScanner = defineScanner({
  formats: ['onnx'],
  extensions: ['.onnx'],
  claims: ['.onnx'],
  extensionRequired: true,
  sniff(head, src, name) {
    if (head[0] !== 0x08) return false
    return baseNameOf(name).endsWith('.onnx') || looksLikeOnnx(head, src)
  },
  scan: scanOnnx,
})
