import type { AcceptedRisk, InventoryReader } from '../inventory'
import { acceptanceOf } from '../inventory'
import type { Asset, Finding, SkippedEntry } from '../types'
import type { ReportOptions } from './common'
import { presentAssets, ruleText } from './common'
import { createSink } from './sink'

/**
 * `aiscout scan --format json` / `aiscout export --format json`, the contract described by
 * resources/schemas/scan-output.schema.json. Streams: one array element per line, so memory stays
 * flat for 100k assets and the file stays greppable.
 */
export async function writeJson(
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  const sink = createSink(out)
  const scan = {
    id: inv.scan.id,
    startedAt: inv.scan.startedAt,
    ...(inv.scan.finishedAt !== undefined ? { finishedAt: inv.scan.finishedAt } : {}),
    status: inv.scan.status,
    roots: inv.scan.roots,
    stats: inv.scan.stats,
  }
  await sink.write(
    `{\n  "schemaVersion": ${JSON.stringify(inv.schemaVersion)},\n` +
      `  "host": ${JSON.stringify(inv.host)},\n` +
      `  "scan": ${JSON.stringify(scan)},\n`,
  )
  const deviceOf = opts.deviceOf
  const toJson = deviceOf
    ? (a: Asset): object => {
        const d = deviceOf(a)
        return d ? { id: a.id, device: d, ...assetJson(a) } : assetJson(a)
      }
    : assetJson
  await writeArray(sink, 'assets', presentAssets(inv, opts.includeGone), toJson)
  await sink.write(',\n')
  await writeArray(sink, 'findings', inv.findings(), (f) => findingJson(f, acceptanceOf(inv, f)))
  await sink.write(',\n')
  await writeArray(sink, 'skipped', inv.skipped(), skippedJson)
  await sink.write('\n}\n')
  await sink.flush()
}

async function writeArray<T>(
  sink: ReturnType<typeof createSink>,
  key: string,
  items: Iterable<T>,
  toJson: (x: T) => object,
): Promise<void> {
  await sink.write(`  ${JSON.stringify(key)}: [`)
  let first = true
  for (const x of items) {
    await sink.write(`${first ? '\n' : ',\n'}    ${JSON.stringify(toJson(x))}`)
    first = false
  }
  await sink.write(first ? ']' : '\n  ]')
}

/** A secret asset also carries its location and fingerprint at the top level (never the value). */
function secretFields(a: Asset): object {
  if (a.kind !== 'secret') return {}
  const d = a.details
  const out: Record<string, unknown> = {}
  for (const k of ['provider', 'line', 'redacted', 'fingerprint'] as const) {
    if (d[k] !== undefined && d[k] !== null) out[k] = d[k]
  }
  return out
}

/** Fixed key order; `identity` is the store's dedupe key and is not part of the contract. */
export function assetJson(a: Asset): object {
  return {
    id: a.id,
    kind: a.kind,
    path: a.path,
    ...secretFields(a),
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a.version !== undefined ? { version: a.version } : {}),
    ...(a.format !== undefined ? { format: a.format } : {}),
    ...(a.sha256 !== undefined ? { sha256: a.sha256 } : {}),
    ...(a.sizeBytes !== undefined ? { sizeBytes: a.sizeBytes } : {}),
    ...(a.source !== undefined ? { source: a.source } : {}),
    ...(a.verdict !== undefined ? { verdict: a.verdict } : {}),
    details: a.details,
    links: a.links,
  }
}

/**
 * A finding with its rule's why and fix, as the table, HTML and SARIF show them; an accepted one
 * carries who accepted it, when, why and until when.
 */
export function findingJson(f: Finding, accepted?: AcceptedRisk): object {
  const rule = ruleText(f.ruleId, f)
  return {
    id: f.id,
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    message: f.message,
    path: f.path,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.assetId !== undefined ? { assetId: f.assetId } : {}),
    ...(f.member !== undefined ? { member: f.member } : {}),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    ...(f.callable !== undefined ? { callable: f.callable } : {}),
    why: rule.why,
    fix: rule.fix,
    ...(accepted ? { accepted: acceptedJson(accepted) } : {}),
  }
}

export function acceptedJson(a: AcceptedRisk): object {
  return {
    note: a.note,
    acceptedBy: a.acceptedBy,
    acceptedAt: a.acceptedAt,
    ...(a.expiresAt !== undefined ? { expiresAt: a.expiresAt } : {}),
    source: a.source,
  }
}

function skippedJson(s: SkippedEntry): object {
  return {
    path: s.path,
    reason: s.reason,
    ...(s.code !== undefined ? { code: s.code } : {}),
    message: s.message,
  }
}
