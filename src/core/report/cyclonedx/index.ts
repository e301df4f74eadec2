import { CycloneDxValidationError } from './errors'
import { randomUUID } from 'node:crypto'
import * as CDX from '@cyclonedx/cyclonedx-library'
import type { InventoryReader } from '../../inventory'
import { acceptanceOf } from '../../inventory'
import type { ReportOptions } from '../common'
import { TOOL_NAME, isGone, safeAsset } from '../common'
import { createSink } from '../sink'
import { NS, assetComponent } from './components'
import { findingVulnerability } from './vulnerabilities'

type Json = Record<string, unknown>

/**
 * Items per validation batch. The whole document is never held: each batch of components (or
 * vulnerabilities) is validated inside a copy of the BOM envelope, so peak memory is one batch
 * (~500 assets) plus ajv's compiled schema, whatever the inventory size.
 */
const BATCH = 100

export { CycloneDxValidationError }

/**
 * CycloneDX 1.6 JSON ML-BOM. Two passes over the inventory: the first builds and schema-validates
 * every component and vulnerability (offline, the library's bundled 1.6 schema, strict), the second
 * rebuilds the same items and streams them out. A document that fails validation is never written:
 * the promise rejects before the first byte.
 */
export async function writeCycloneDx(
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  const factory = new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6)
  const envelope = bomEnvelope(inv, opts, factory)
  const hostRef = `host:${inv.host.hostname}`
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6)

  const validate = async (key: 'components' | 'vulnerabilities', batch: Json[]): Promise<void> => {
    let errors: unknown
    try {
      errors = await validator.validate(JSON.stringify({ ...envelope, [key]: batch }))
    } catch (e) {
      throw new Error(`CycloneDX validation could not run: ${(e as Error).message}`, { cause: e })
    }
    if (errors) {
      const refs = batch.map((b) => b['bom-ref']).slice(0, 3)
      throw new CycloneDxValidationError(
        `CycloneDX 1.6 document failed schema validation (near ${key} ${refs.join(', ')}): ` +
          JSON.stringify(errors).slice(0, 800),
        errors,
      )
    }
  }
  // Pass 1: validate everything without writing.
  await validate('components', [])
  for (const [key, batch] of batches(inv, opts, factory, hostRef)) await validate(key, batch)

  // Pass 2: stream the same content.
  const sink = createSink(out)
  const head = JSON.stringify(envelope, null, 2)
  await sink.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "components": [`)
  let section: 'components' | 'vulnerabilities' = 'components'
  let first = true
  for (const [key, batch] of batches(inv, opts, factory, hostRef)) {
    if (key !== section) {
      await sink.write(`${first ? '' : '\n  '}],\n  "vulnerabilities": [`)
      section = key
      first = true
    }
    for (const item of batch) {
      await sink.write(`${first ? '\n' : ',\n'}    ${JSON.stringify(item)}`)
      first = false
    }
  }
  await sink.write(`${first ? '' : '\n  '}]`)
  if (section === 'components') await sink.write(',\n  "vulnerabilities": []')
  await sink.write('\n}\n')
  await sink.flush()
}

function* batches(
  inv: InventoryReader,
  opts: ReportOptions,
  factory: CDX.Serialize.JSON.Normalize.Factory,
  hostRef: string,
): Iterable<['components' | 'vulnerabilities', Json[]]> {
  // Only the (few) gone assets are remembered, so memory does not grow with the inventory.
  const left = new Set<string>()
  let batch: Json[] = []
  for (const raw of inv.assets()) {
    if (!opts.includeGone && isGone(raw)) {
      left.add(raw.id)
      continue
    }
    batch.push(assetComponent(safeAsset(raw), factory, opts.deviceOf?.(raw)))
    if (batch.length >= BATCH) {
      yield ['components', batch]
      batch = []
    }
  }
  if (batch.length) yield ['components', batch]
  batch = []
  for (const f of inv.findings()) {
    const ref = f.assetId !== undefined && !left.has(f.assetId) ? f.assetId : hostRef
    batch.push(findingVulnerability(f, ref, factory, acceptanceOf(inv, f)))
    if (batch.length >= BATCH) {
      yield ['vulnerabilities', batch]
      batch = []
    }
  }
  if (batch.length) yield ['vulnerabilities', batch]
}

/** BOM header built with the library: metadata (timestamp, lifecycle discovery, tool, host device). */
function bomEnvelope(
  inv: InventoryReader,
  opts: ReportOptions,
  factory: CDX.Serialize.JSON.Normalize.Factory,
): Json {
  const bom = new CDX.Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` })
  const m = bom.metadata
  m.timestamp = opts.generatedAt ?? new Date()
  m.lifecycles.add(CDX.Enums.LifecyclePhase.Discovery)
  m.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, TOOL_NAME, {
      version: opts.toolVersion,
    }),
  )
  const host = new CDX.Models.Component(CDX.Enums.ComponentType.Device, inv.host.hostname, {
    bomRef: `host:${inv.host.hostname}`,
  })
  const hp = (k: string, v: string): void => {
    host.properties.add(new CDX.Models.Property(`${NS}:host:${k}`, v))
  }
  hp('platform', inv.host.platform)
  hp('arch', inv.host.arch)
  hp('os_release', inv.host.osRelease)
  hp('user', inv.host.user)
  m.component = host
  const sp = (k: string, v: string | undefined): void => {
    if (v !== undefined) m.properties.add(new CDX.Models.Property(`${NS}:scan:${k}`, v))
  }
  sp('id', inv.scan.id)
  sp('started_at', inv.scan.startedAt)
  sp('finished_at', inv.scan.finishedAt)
  sp('status', inv.scan.status)
  for (const r of inv.scan.roots) sp('root', r)
  const json = factory.makeForBom().normalize(bom, { sortLists: false }) as unknown as Json
  // The library adds a dependency graph node for every bom-ref; we carry no dependency graph.
  delete json['dependencies']
  delete json['components']
  delete json['vulnerabilities']
  return json
}
