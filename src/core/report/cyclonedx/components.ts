import { basename, isAbsolute } from 'node:path'
import * as CDX from '@cyclonedx/cyclonedx-library'
import type { Asset, AssetKind } from '../../types'
import { detailText, modelParts, pickDetail } from '../common'
import type { DeviceRef } from '../common'

/** Our property namespace (CycloneDX reserves `cdx:`; `internal:` is for unshared BOMs). */
export const NS = 'aiscout'

type Json = Record<string, unknown>

/**
 * Kind → CycloneDX component type. MCP servers are `application` components (not `services`): most
 * are local stdio commands with no endpoint, which is what a service needs; their transport and
 * URL go in `aiscout:` properties.
 */
export function componentType(kind: AssetKind): CDX.Enums.ComponentType {
  const T = CDX.Enums.ComponentType
  switch (kind) {
    case 'model':
      return T.MachineLearningModel
    case 'dataset':
    case 'secret':
    case 'agent-config':
      return T.Data
    case 'notebook':
      return T.File
    case 'tool':
    case 'app':
    case 'ide-extension':
    case 'mcp-server':
    case 'model-server':
      return T.Application
    case 'ai-platform':
    case 'python-environment':
      return T.Platform
    case 'package':
      return T.Library
    case 'compute':
      return T.Device
  }
}

const SHA256 = /^[0-9a-f]{64}$/
const COMMIT = /^[0-9a-f]{40}$/

/** `pkg:huggingface/<namespace>/<name>@<commit>`: only with a namespace and a full commit sha. */
export function huggingFacePurl(a: Asset): string | undefined {
  const repo = pickDetail(a, 'repoId', 'repo', 'hfRepo', 'huggingfaceRepo')
  const rev = pickDetail(a, 'commit', 'revision', 'snapshot')?.toLowerCase()
  if (!repo || !rev || !COMMIT.test(rev)) return undefined
  const parts = repo.split('/')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined
  return `pkg:huggingface/${encodeURIComponent(parts[0])}/${encodeURIComponent(parts[1])}@${rev}`
}

function purlOf(a: Asset): string | undefined {
  const given = pickDetail(a, 'purl')
  if (given?.startsWith('pkg:')) return given
  if (a.kind === 'model' || a.kind === 'dataset') return huggingFacePurl(a)
  if (a.kind === 'package' && a.name && a.version) {
    const eco = pickDetail(a, 'ecosystem', 'manager')?.toLowerCase()
    const type = eco === 'pypi' || eco === 'pip' ? 'pypi' : eco === 'npm' ? 'npm' : undefined
    if (type)
      return `pkg:${type}/${encodeURIComponent(a.name.toLowerCase())}@${encodeURIComponent(a.version)}`
  }
  return undefined
}

function assetName(a: Asset): string {
  return a.name ?? (basename(a.path) || a.path || a.kind)
}

/** Builds the component with the library, normalises it to 1.6 JSON, then adds what it lacks. */
export function assetComponent(
  a: Asset,
  factory: CDX.Serialize.JSON.Normalize.Factory,
  device?: DeviceRef,
): Json {
  const c = new CDX.Models.Component(componentType(a.kind), assetName(a), {
    bomRef: a.id,
    ...(a.version !== undefined ? { version: a.version } : {}),
  })
  const purl = purlOf(a)
  if (purl) c.purl = purl
  if (a.sha256 && SHA256.test(a.sha256)) c.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], a.sha256)
  const license = pickDetail(a, 'license')
  if (license) c.licenses.add(new CDX.Models.NamedLicense(license))
  const repo = pickDetail(a, 'repoId', 'repo', 'hfRepo')
  if (purl?.startsWith('pkg:huggingface/') && repo) {
    c.externalReferences.add(
      new CDX.Models.ExternalReference(
        `https://huggingface.co/${a.kind === 'dataset' ? 'datasets/' : ''}${repo.split('/').map(encodeURIComponent).join('/')}`,
        a.kind === 'model'
          ? CDX.Enums.ExternalReferenceType.ModelCard
          : CDX.Enums.ExternalReferenceType.Website,
      ),
    )
  }
  const prop = (k: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== '')
      c.properties.add(new CDX.Models.Property(`${NS}:${k}`, String(v)))
  }
  prop('kind', a.kind)
  if (device) {
    prop('device:id', device.id)
    prop('device:hostname', device.hostname)
  }
  prop('format', a.format)
  prop('size_bytes', a.sizeBytes)
  prop('source', a.source)
  prop('verdict', a.verdict)
  for (const l of a.links) prop(`link:${l.relation}`, l.to)
  // A multi-file model's files are its sub-components (below), not one long property.
  for (const [k, v] of Object.entries(a.details))
    if (k !== 'parts') prop(`detail:${k}`, detailText(v))

  const json = factory.makeForComponent().normalize(c, { sortLists: false }) as unknown as Json
  // Extensions the library does not model (1.6 fields): evidence.occurrences, modelCard, data.
  if (isAbsolute(a.path)) {
    const line = Number(a.details['line'])
    json['evidence'] = {
      occurrences: [{ location: a.path, ...(Number.isInteger(line) && line > 0 ? { line } : {}) }],
    }
  }
  if (a.kind === 'model') {
    const card = modelCard(a)
    if (card) json['modelCard'] = card
  }
  const data = componentData(a)
  if (data) json['data'] = [data]
  const parts = partComponents(a)
  if (parts.length > 0) json['components'] = parts
  return json
}

/**
 * A model made of several files (a Hugging Face repo's weight shards, a pipeline's components)
 * is one `machine-learning-model` component; each file is a `file` sub-component with its SHA-256
 * and where it is on disk, so a scanner of the BOM can match any one file's hash.
 */
function partComponents(a: Asset): Json[] {
  return modelParts(a).map((p) => {
    const props = [
      ['role', p.role],
      ['format', p.format],
      ['size_bytes', p.sizeBytes],
      ['verdict', p.verdict],
    ]
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ name: `${NS}:${String(k)}`, value: String(v) }))
    return {
      type: 'file',
      'bom-ref': `${a.id}/${p.name}`,
      name: p.name,
      ...(p.sha256 && SHA256.test(p.sha256)
        ? { hashes: [{ alg: 'SHA-256', content: p.sha256 }] }
        : {}),
      ...(props.length > 0 ? { properties: props } : {}),
      ...(isAbsolute(p.path) ? { evidence: { occurrences: [{ location: p.path }] } } : {}),
    }
  })
}

function modelCard(a: Asset): Json | undefined {
  const params: Json = {}
  const task = pickDetail(a, 'task', 'pipelineTag')
  const family = pickDetail(a, 'architectureFamily', 'architecture', 'modelType')
  const arch = pickDetail(a, 'modelArchitecture', 'architectures', 'architecture')
  if (task) params['task'] = task
  if (family) params['architectureFamily'] = family
  if (arch) params['modelArchitecture'] = arch
  const props: Json[] = []
  const add = (name: string, v: string | undefined): void => {
    if (v !== undefined) props.push({ name: `${NS}:model:${name}`, value: v })
  }
  add('parameters', pickDetail(a, 'parameters', 'parameterCount', 'params'))
  add('quantization', pickDetail(a, 'quantization', 'fileType', 'dtype'))
  add('context_length', pickDetail(a, 'contextLength', 'context_length'))
  add('format', a.format)
  if (!Object.keys(params).length && !props.length) return undefined
  return {
    ...(Object.keys(params).length ? { modelParameters: params } : {}),
    ...(props.length ? { properties: props } : {}),
  }
}

/** `data` (componentData) for datasets, agent configs and secrets; a secret is never its value. */
function componentData(a: Asset): Json | undefined {
  switch (a.kind) {
    case 'dataset':
      return {
        type: 'dataset',
        name: assetName(a),
        ...(a.format ? { description: `${a.format} dataset found on disk` } : {}),
      }
    case 'agent-config':
      return {
        type: 'configuration',
        name: assetName(a),
        description: 'AI agent configuration or instruction file',
      }
    case 'secret': {
      const provider = pickDetail(a, 'provider') ?? 'unknown'
      const fp = pickDetail(a, 'fingerprint')
      const preview = pickDetail(a, 'preview', 'redacted', 'redactedPreview')
      const bits = [
        `provider ${provider}`,
        fp ? `fingerprint ${fp}` : '',
        preview ? `preview ${preview}` : '',
      ]
      return {
        type: 'configuration',
        name: `${provider} credential`,
        classification: 'secret',
        sensitiveData: ['credential'],
        description: `AI credential reference (value never exported): ${bits.filter(Boolean).join(', ')}`,
      }
    }
    default:
      return undefined
  }
}
