import { posix } from 'node:path'
import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import { analyzeKerasConfig } from './keras/config-analysis'
import type { PbField } from './protobuf/wire'
import { looksLikeOnnx } from './onnx'
import { intOf, PbSource } from './protobuf/wire'
import { baseNameOf, FormatError, invalidResult } from './util'

/** Ops that touch arbitrary files or call back into Python. */
const DANGEROUS_OPS = new Set([
  'ReadFile',
  'WriteFile',
  'MatchingFiles',
  'PyFunc',
  'EagerPyFunc',
  'PyFuncStateless',
  'PyCall',
  'ShellExecute',
  'ExecuteOp',
  'SystemConfig',
])

/** Checkpoint ops that every SavedModel has; only their file names matter. */
const CHECKPOINT_OPS = new Set([
  'SaveV2',
  'RestoreV2',
  'MergeV2Checkpoints',
  'Save',
  'Restore',
  'RestoreSlice',
  'SaveSlices',
])

type Node = { name: string; op: string; inputs: string[]; strings: string[] }

/** NodeDef: name 1, op 2, input 3, attr 5 (map<string, AttrValue>); keeps Const string values. */
function readNode(pb: PbSource, f: PbField): Node {
  const node: Node = { name: '', op: '', inputs: [], strings: [] }
  for (const n of pb.fields(f.start, f.end)) {
    if (n.wire !== 2) continue
    if (n.no === 1) node.name = pb.string(n, 4096)
    else if (n.no === 2) node.op = pb.string(n, 256)
    else if (n.no === 3 && node.inputs.length < 64) node.inputs.push(pb.string(n, 4096))
    else if (n.no === 5) {
      // map entry: key 1, value 2 (AttrValue: s 2, tensor 8 -> TensorProto string_val 8).
      for (const e of pb.fields(n.start, n.end)) {
        if (e.no !== 2 || e.wire !== 2) continue
        for (const a of pb.fields(e.start, e.end)) {
          if (a.no === 2 && a.wire === 2 && a.end - a.start <= 4096)
            node.strings.push(pb.string(a, 4096))
          if (a.no === 8 && a.wire === 2) {
            for (const t of pb.fields(a.start, a.end)) {
              if (t.no === 8 && t.wire === 2 && t.end - t.start <= 4096 && node.strings.length < 64)
                node.strings.push(pb.string(t, 4096))
            }
          }
        }
      }
    }
  }
  return node
}

function unsafePath(p: string): boolean {
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p) || p.includes('\0'))
    return true
  return posix.normalize(p.replace(/\\/g, '/')).split('/').includes('..')
}

type Graph = { nodes: Node[]; functions: number; tfVersion?: string; tags: string[] }

function readGraphDef(pb: PbSource, f: PbField, g: Graph): void {
  for (const gf of pb.fields(f.start, f.end)) {
    if (gf.wire !== 2) continue
    if (gf.no === 1) g.nodes.push(readNode(pb, gf))
    else if (gf.no === 2) {
      // FunctionDefLibrary.function (1) -> FunctionDef.node_def (3).
      for (const lf of pb.fields(gf.start, gf.end)) {
        if (lf.no !== 1 || lf.wire !== 2) continue
        g.functions++
        for (const fd of pb.fields(lf.start, lf.end))
          if (fd.no === 3 && fd.wire === 2) g.nodes.push(readNode(pb, fd))
      }
    }
  }
}

export function scanSavedModel(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'tf-savedmodel'> {
  const findings: ModelFinding[] = []
  try {
    const pb = new PbSource(src)
    const g: Graph = { nodes: [], functions: 0, tags: [] }
    let metaGraphs = 0
    let schema: number | undefined
    for (const f of pb.fields(0, src.size)) {
      if (f.no === 1 && f.wire === 0) schema = intOf(f)
      else if (f.no === 2 && f.wire === 2) {
        metaGraphs++
        for (const m of pb.fields(f.start, f.end)) {
          if (m.wire !== 2) continue
          if (m.no === 2) readGraphDef(pb, m, g)
          else if (m.no === 1) {
            for (const mi of pb.fields(m.start, m.end)) {
              if (mi.no === 4 && mi.wire === 2) g.tags.push(pb.string(mi, 256))
              if (mi.no === 5 && mi.wire === 2) g.tfVersion = pb.string(mi, 64)
            }
          }
        }
      } else throw new FormatError(`unexpected SavedModel field ${f.no}`, f.start)
    }
    if (metaGraphs === 0) throw new FormatError('SavedModel has no meta graph')
    const byName = new Map(g.nodes.map((n) => [n.name, n]))
    const ops = new Set<string>()
    for (const n of g.nodes) {
      ops.add(n.op)
      if (DANGEROUS_OPS.has(n.op)) {
        findings.push({
          ruleId: 'tf.dangerous-op',
          message: `graph node ${JSON.stringify(n.name)} runs ${n.op}`,
          member: ctx.member,
          callable: n.op,
        })
      }
      if (CHECKPOINT_OPS.has(n.op)) {
        // The file name is the first input; follow it to a Const node and check its strings.
        const input = (n.inputs[0] ?? '').replace(/^\^/, '').replace(/:\d+$/, '')
        const paths = [...(byName.get(input)?.strings ?? []), ...n.strings]
        const bad = paths.find(unsafePath)
        if (bad !== undefined) {
          findings.push({
            ruleId: 'tf.checkpoint-path-outside',
            message: `${n.op} node ${JSON.stringify(n.name)} uses file name ${JSON.stringify(bad)}`,
            member: ctx.member,
            callable: n.op,
          })
        }
      }
    }
    const metadata: Record<string, string | number | readonly string[]> = {
      metaGraphCount: metaGraphs,
      nodeCount: g.nodes.length,
      functionCount: g.functions,
      tags: [...new Set(g.tags)],
    }
    if (schema !== undefined) metadata['schemaVersion'] = schema
    if (g.tfVersion) metadata['producer'] = `TensorFlow ${g.tfVersion}`
    return { format: 'tf-savedmodel', findings: findings.slice(0, 200), metadata }
  } catch (e) {
    return invalidResult('tf-savedmodel', 'tf.invalid', e, findings, ctx.member)
  }
}

/**
 * keras_metadata.pb (SavedMetadata: nodes (1) -> SavedObject metadata (5) is Keras JSON): the
 * Keras layer configs of a TF SavedModel, checked like a .keras config.
 */
export function scanKerasMetadata(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'tf-savedmodel'> {
  const findings: ModelFinding[] = []
  try {
    const pb = new PbSource(src)
    let objects = 0
    for (const f of pb.fields(0, src.size)) {
      if (f.no !== 1 || f.wire !== 2) continue
      objects++
      for (const o of pb.fields(f.start, f.end)) {
        if (o.no !== 5 || o.wire !== 2) continue
        let json: unknown
        try {
          json = JSON.parse(pb.string(o, ctx.limits.maxHeaderBytes)) as unknown
        } catch {
          continue // metadata of non-Keras objects may be empty
        }
        findings.push(
          ...analyzeKerasConfig(json, {
            lambdaRuleId: 'keras.lambda-layer',
            member: ctx.member,
            where: 'keras_metadata.pb',
          }).findings,
        )
      }
    }
    return {
      format: 'tf-savedmodel',
      findings: findings.slice(0, 200),
      metadata: { kerasObjects: objects },
    }
  } catch (e) {
    return invalidResult('tf-savedmodel', 'tf.invalid', e, findings, ctx.member)
  }
}

/** fingerprint.pb (FingerprintDef): only hashes and a version; checked for well-formed encoding. */
export function scanFingerprint(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'tf-savedmodel'> {
  try {
    const pb = new PbSource(src)
    const hashes: string[] = []
    for (const f of pb.fields(0, src.size)) {
      if (f.no >= 1 && f.no <= 5 && f.int !== undefined) hashes.push(f.int.toString(16))
      else if (f.no !== 6) throw new FormatError(`unexpected fingerprint field ${f.no}`, f.start)
    }
    return { format: 'tf-savedmodel', findings: [], metadata: { fingerprint: hashes.join('-') } }
  } catch (e) {
    return invalidResult('tf-savedmodel', 'tf.invalid', e, [], ctx.member)
  }
}

export const savedModelScanner = defineScanner({
  formats: ['tf-savedmodel'],
  extensions: ['.pb'],
  sniff(head, src, name) {
    const base = baseNameOf(name)
    if (base === 'keras_metadata.pb' || base === 'fingerprint.pb') return true
    if (head[0] !== 0x08 || head[2] !== 0x12 || head[1]! >= 0x80) return false
    // Another `.pb` may be ONNX (ir_version then producer_name has the same first bytes).
    return base === 'saved_model.pb' || (base.endsWith('.pb') && !looksLikeOnnx(head, src))
  },
  scan(src, ctx) {
    const base = baseNameOf(ctx.member ?? ctx.path)
    if (base === 'keras_metadata.pb') return scanKerasMetadata(src, ctx)
    if (base === 'fingerprint.pb') return scanFingerprint(src, ctx)
    return scanSavedModel(src, ctx)
  },
})
