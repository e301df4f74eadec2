import { basename } from 'node:path'
import type { AddModelOptions, AddedModel, ScannedPart } from '../discovery/types'
import type { ModelFileReport } from '../scanners/types'
import type { NewAsset, NewFinding } from '../types'

/**
 * What is known about a model file when its asset is recorded: a static scan report (the usual
 * case), or only the coarse format found by sniffing (crawl-only runs), or nothing but its size
 * (a cloud placeholder, which is never read).
 */
export type ModelFacts =
  | Readonly<{ kind: 'scanned'; report: ModelFileReport }>
  | Readonly<{ kind: 'sniffed'; format: string; sizeBytes: number }>
  | Readonly<{ kind: 'placeholder'; sizeBytes: number }>

/**
 * The one place a model asset is built, whoever found the file (a store locator, an analyzer,
 * the crawl): identity, name and extra details come from the finder, everything about the
 * bytes from the facts.
 */
export function modelAsset(path: string, facts: ModelFacts, o: AddModelOptions): NewAsset {
  const base = {
    kind: 'model' as const,
    path,
    identity: o.identity,
    name: o.name ?? basename(path),
    version: o.version,
    source: o.source,
    links: o.links,
  }
  switch (facts.kind) {
    case 'scanned': {
      const r = facts.report
      return {
        ...base,
        format: r.format,
        sha256: r.sha256,
        sizeBytes: r.sizeBytes,
        verdict: r.verdict,
        details: {
          ...(r.metadata ?? {}),
          ...(o.details ?? {}),
          // Said in the inventory, the change log, exports and sync: no digest yet, not a model
          // whose digest is unknown for good (the asset's id never depends on it).
          ...(r.digestPending ? { digestPending: true } : {}),
        },
      }
    }
    case 'sniffed':
      return { ...base, format: facts.format, sizeBytes: facts.sizeBytes, details: o.details }
    case 'placeholder':
      return {
        ...base,
        sizeBytes: facts.sizeBytes,
        details: { ...(o.details ?? {}), cloudPlaceholder: true },
      }
  }
}

/** The findings of a scanned model file, attached to its asset. */
export function modelFindings(
  path: string,
  report: ModelFileReport,
  assetId: string,
): NewFinding[] {
  return report.findings.map((f) => ({ ...f, path, assetId }))
}

/**
 * The model asset and findings for one scanned file, as every `addModel` records them (the
 * engine and the test context share this so they cannot drift apart).
 */
export function modelRecords(
  path: string,
  report: ModelFileReport,
  o: AddModelOptions,
): Readonly<{ asset: NewAsset; findings: (assetId: string) => NewFinding[] }> {
  return {
    asset: modelAsset(path, { kind: 'scanned', report }, o),
    findings: (assetId) => modelFindings(path, report, assetId),
  }
}

export function addedModel(assetId: string, report: ModelFileReport): AddedModel {
  return {
    assetId,
    verdict: report.verdict,
    format: report.format,
    sha256: report.sha256,
    sizeBytes: report.sizeBytes,
    metadata: report.metadata,
  }
}

/**
 * A file scanned as one part of a multi-file model (a Hugging Face repo's weights): the facts a
 * model asset would carry, for the model's details, and its findings for the model to report.
 */
export function modelPart(report: ModelFileReport): ScannedPart {
  return {
    verdict: report.verdict,
    format: report.format,
    sha256: report.sha256,
    sizeBytes: report.sizeBytes,
    metadata: report.metadata,
    findings: report.findings,
  }
}
