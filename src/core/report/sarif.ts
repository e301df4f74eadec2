import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import type { InventoryReader } from '../inventory'
import type { Finding, Severity } from '../types'
import type { ReportOptions, RuleText } from './common'
import { TOOL_NAME, pathUri, relativeInside, ruleText, securitySeverity, sha256Hex } from './common'
import { createSink } from './sink'

/**
 * SARIF 2.1.0, one run. Rules come from the rule table (only those with results, in table order of
 * first use); results carry a file location (line 1 for binary model files, which have no lines) and
 * `partialFingerprints.primaryLocationLineHash`, the one fingerprint GitHub code scanning reads.
 * With `repoRoot`, paths inside it are repo-relative against `%SRCROOT%` (what code scanning
 * needs for a checkout); other paths stay absolute file: URIs.
 */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'

const SRCROOT = '%SRCROOT%'

export async function writeSarif(
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  // Pass 1 (findings): which rules are used and which assets the results point at.
  const ruleIndex = new Map<string, number>()
  const rules: RuleText[] = []
  const wanted = new Set<string>()
  for (const f of inv.findings()) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length)
      rules.push(ruleText(f.ruleId, f))
    }
    if (f.assetId !== undefined) wanted.add(f.assetId)
  }
  // Pass 2 (assets): content hash and binary-ness of the assets that have findings only.
  const assetInfo = new Map<string, { sha256?: string; binary: boolean; path?: string }>()
  if (wanted.size) {
    for (const a of inv.assets()) {
      if (!wanted.has(a.id)) continue
      // A model asset's file is binary; a finding in another file of the asset (a repository's
      // Python code or config) keeps its line.
      assetInfo.set(a.id, {
        sha256: a.sha256,
        binary: a.kind === 'model' || a.kind === 'dataset',
        path: a.path,
      })
    }
  }

  const sink = createSink(out)
  const driver = {
    name: TOOL_NAME,
    version: opts.toolVersion,
    semanticVersion: opts.toolVersion,
    rules: rules.map(sarifRule),
  }
  const run: Record<string, unknown> = {
    tool: { driver },
    // Category `aiscout`, run id = scan id (GitHub keys alert tracking on the part before the last slash).
    automationDetails: { id: `aiscout/${inv.scan.id}` },
    invocations: [
      {
        executionSuccessful: inv.scan.status === 'complete',
        startTimeUtc: inv.scan.startedAt,
        ...(inv.scan.finishedAt ? { endTimeUtc: inv.scan.finishedAt } : {}),
      },
    ],
    columnKind: 'unicodeCodePoints',
  }
  if (opts.repoRoot) {
    run['originalUriBaseIds'] = {
      [SRCROOT]: {
        uri: pathToFileURL(opts.repoRoot.endsWith('/') ? opts.repoRoot : `${opts.repoRoot}/`).href,
      },
    }
  }
  // The envelope is serialised once with a unique marker where the streamed results go.
  const mark = `@@results-${randomUUID()}@@`
  run['results'] = mark
  const envelope = JSON.stringify(
    { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] },
    null,
    2,
  )
  const [before, after] = envelope.split(JSON.stringify(mark)) as [string, string]
  await sink.write(`${before}[`)
  let first = true
  for (const f of inv.findings()) {
    const info = f.assetId !== undefined ? assetInfo.get(f.assetId) : undefined
    const result = sarifResult(f, ruleIndex.get(f.ruleId) ?? 0, info, opts.repoRoot)
    await sink.write(`${first ? '\n' : ',\n'}        ${JSON.stringify(result)}`)
    first = false
  }
  await sink.write(`${first ? '' : '\n      '}]${after}\n`)
  await sink.flush()
}

export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  switch (s) {
    case 'critical':
    case 'high':
      return 'error'
    case 'medium':
      return 'warning'
    case 'low':
    case 'info':
      return 'note'
  }
}

function sarifRule(r: RuleText): object {
  const sec = securitySeverity(r.severity)
  const tags = ['security', 'ai', r.domain, ...r.cwe.map((c) => `external/cwe/cwe-${c}`)]
  const refs = r.advisories.length ? `\n\nAdvisories: ${r.advisories.join(', ')}` : ''
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why },
    help: {
      text: `${r.why}\n\nHow to fix: ${r.fix}${refs}`,
      markdown: `**Why it matters.** ${r.why}\n\n**How to fix.** ${r.fix}${refs}`,
    },
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: {
      tags,
      precision: 'high',
      ...(sec !== undefined ? { 'security-severity': sec } : {}),
    },
  }
}

/** SARIF `name` is an identifier-like PascalCase form of the id (`pickle.os-system` → PickleOsSystem). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

function sarifResult(
  f: Finding,
  ruleIndex: number,
  asset: { sha256?: string; binary: boolean; path?: string } | undefined,
  repoRoot: string | undefined,
): object {
  const rel = repoRoot ? relativeInside(repoRoot, f.path) : undefined
  const artifactLocation =
    rel !== undefined ? { uri: encodeURI(rel), uriBaseId: SRCROOT } : { uri: pathUri(f.path) }
  // Binary files have no lines: GitHub needs a region, so they point at line 1.
  const binary = asset?.binary === true && (asset.path === undefined || asset.path === f.path)
  const startLine = !binary && f.line !== undefined && f.line >= 1 ? f.line : 1
  const where = [f.member ? `member ${f.member}` : '', f.callable ? `callable ${f.callable}` : '']
    .filter(Boolean)
    .join(', ')
  const fp = sha256Hex(
    [
      f.ruleId,
      rel ?? f.path,
      String(startLine),
      asset?.sha256 ?? '',
      f.member ?? '',
      f.callable ?? '',
    ].join('\0'),
  )
  const sec = securitySeverity(f.severity)
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: where ? `${f.message} (${where})` : f.message },
    locations: [{ physicalLocation: { artifactLocation, region: { startLine } } }],
    partialFingerprints: { primaryLocationLineHash: fp },
    properties: {
      severity: f.severity,
      ...(sec !== undefined ? { 'security-severity': sec } : {}),
      findingId: f.id,
      ...(f.assetId !== undefined ? { assetId: f.assetId } : {}),
      ...(asset?.sha256 ? { sha256: asset.sha256 } : {}),
      ...(f.member !== undefined ? { member: f.member } : {}),
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      ...(f.callable !== undefined ? { callable: f.callable } : {}),
    },
  }
}
