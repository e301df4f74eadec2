import { join } from 'node:path'
import { assetIdFor } from '../../util/ids'
import { sha256File } from '../../util/hash'
import type { DiscoveryContext, Locator } from '../types'
import { baseDirs, envPath } from '../paths'
import { ABSENT_ONLY, isDir, listDir, readJsonBounded, statQuiet } from '../../util/fs'
import { guard, isRecord, num, str, uniq } from './store-kit'

const DIGEST = /^sha256[:-]([0-9a-fA-F]{64})$/
const MODEL_LAYER = 'application/vnd.ollama.image.model'
const DEFAULT_HOST = 'registry.ollama.ai'
const DEFAULT_NAMESPACE = 'library'

type Layer = Readonly<{ mediaType: string; digest: string; hex: string; size?: number }>

function parseLayer(v: unknown): Layer | undefined {
  if (!isRecord(v)) return undefined
  const digest = str(v.digest)
  const m = digest ? DIGEST.exec(digest) : null
  if (!digest || !m?.[1]) return undefined
  return { mediaType: str(v.mediaType) ?? '', digest, hex: m[1].toLowerCase(), size: num(v.size) }
}

/** Ollama's user-facing name: `llama3:8b`, `ns/model:tag`, or `host/ns/model:tag`. */
export function ollamaDisplayName(host: string, ns: string, model: string, tag: string): string {
  if (host === DEFAULT_HOST)
    return ns === DEFAULT_NAMESPACE ? `${model}:${tag}` : `${ns}/${model}:${tag}`
  return `${host}/${ns}/${model}:${tag}`
}

/** Blob file for a digest: `sha256-<hex>` (current) or `sha256:<hex>` (older stores). */
async function blobPath(modelsDir: string, hex: string): Promise<string | undefined> {
  for (const name of [`sha256-${hex}`, `sha256:${hex}`]) {
    const p = join(modelsDir, 'blobs', name)
    if ((await statQuiet(p))?.isFile()) return p
  }
  return undefined
}

/** Known model dirs, env override first. The systemd install lives outside the home. */
export function ollamaModelDirs(ctx: DiscoveryContext): string[] {
  const dirs: string[] = []
  const env = envPath(ctx, 'OLLAMA_MODELS')
  if (env) dirs.push(env)
  dirs.push(join(ctx.home, '.ollama', 'models'))
  if (ctx.platform === 'linux' && ctx.env.HOME === ctx.home)
    dirs.push('/usr/share/ollama/.ollama/models')
  return uniq(dirs)
}

/**
 * Parses one Ollama-layout store: each manifest (`manifests/<host>/<ns>/<model>/<tag>`) becomes one
 * model asset whose path is the GGUF model blob; missing blobs and size/digest mismatches are
 * findings. Shared with Msty, which embeds the same layout.
 */
export async function scanOllamaStore(
  ctx: DiscoveryContext,
  modelsDir: string,
  source: string,
): Promise<void> {
  if (!(await isDir(join(modelsDir, 'manifests')))) return
  ctx.claimDir(modelsDir)
  const blobsDir = join(modelsDir, 'blobs')
  let storeTotalBytes = 0
  for (const b of await listDir(ctx, blobsDir, ABSENT_ONLY)) {
    if (b.isFile()) storeTotalBytes += (await statQuiet(join(blobsDir, b.name)))?.size ?? 0
  }
  const manifestsDir = join(modelsDir, 'manifests')
  // host/ns/model/tag: four fixed levels, so no open-ended recursion.
  for (const host of await listDir(ctx, manifestsDir, ABSENT_ONLY)) {
    if (!host.isDirectory()) continue
    for (const ns of await listDir(ctx, join(manifestsDir, host.name), ABSENT_ONLY)) {
      if (!ns.isDirectory()) continue
      for (const model of await listDir(ctx, join(manifestsDir, host.name, ns.name), ABSENT_ONLY)) {
        if (!model.isDirectory()) continue
        const modelDir = join(manifestsDir, host.name, ns.name, model.name)
        for (const tag of await listDir(ctx, modelDir, ABSENT_ONLY)) {
          if (!tag.isFile()) continue
          const manifestPath = join(modelDir, tag.name)
          await guard(ctx, manifestPath, () =>
            scanManifest(ctx, {
              modelsDir,
              manifestPath,
              source,
              host: host.name,
              ns: ns.name,
              model: model.name,
              tag: tag.name,
              storeTotalBytes,
            }),
          )
        }
      }
    }
  }
}

type ManifestRef = Readonly<{
  modelsDir: string
  manifestPath: string
  source: string
  host: string
  ns: string
  model: string
  tag: string
  storeTotalBytes: number
}>

async function scanManifest(ctx: DiscoveryContext, m: ManifestRef): Promise<void> {
  const read = await readJsonBounded(ctx, m.manifestPath)
  if (!read) return
  const name = ollamaDisplayName(m.host, m.ns, m.model, m.tag)
  const identity = `${m.source}:${m.host}/${m.ns}/${m.model}:${m.tag}`
  if (!read.ok || !isRecord(read.value) || !Array.isArray(read.value.layers)) {
    ctx.emitFinding({
      ruleId: 'store.bad-manifest',
      message: `Ollama manifest for ${name} is not a valid manifest${read.ok ? '' : `: ${read.error}`}`,
      path: m.manifestPath,
    })
    return
  }
  const layers = read.value.layers.map(parseLayer).filter((l): l is Layer => l !== undefined)
  const config = parseLayer(read.value.config)
  let family: string | undefined
  let families: string[] | undefined
  let parameterSize: string | undefined
  let quantization: string | undefined
  let modelFormat: string | undefined
  const missing: Layer[] = []
  if (config) {
    const cp = await blobPath(m.modelsDir, config.hex)
    const cfg = cp ? await readJsonBounded(ctx, cp) : undefined
    if (!cp) missing.push(config)
    if (cfg?.ok && isRecord(cfg.value)) {
      family = str(cfg.value.model_family)
      families = Array.isArray(cfg.value.model_families)
        ? cfg.value.model_families.filter((f): f is string => typeof f === 'string')
        : undefined
      parameterSize = str(cfg.value.model_type)
      quantization = str(cfg.value.file_type)
      modelFormat = str(cfg.value.model_format)
    }
  }
  const paths = new Map<string, string>()
  for (const l of layers) {
    const p = await blobPath(m.modelsDir, l.hex)
    if (p) paths.set(l.hex, p)
    else missing.push(l)
  }
  for (const l of missing) {
    ctx.emitFinding({
      ruleId: 'store.ollama-missing-blob',
      message: `${name}: ${l.mediaType || 'layer'} blob ${l.digest} is missing from ${join(m.modelsDir, 'blobs')}`,
      path: m.manifestPath,
    })
  }
  const totalSize = [...layers, ...(config ? [config] : [])].reduce((n, l) => n + (l.size ?? 0), 0)
  const modelLayer = layers.find((l) => l.mediaType === MODEL_LAYER)
  const details = {
    host: m.host,
    namespace: m.ns,
    model: m.model,
    tag: m.tag,
    manifestPath: m.manifestPath,
    ...(family ? { family } : {}),
    ...(families ? { families } : {}),
    ...(parameterSize ? { parameterSize } : {}),
    ...(quantization ? { quantization } : {}),
    ...(modelFormat ? { modelFormat } : {}),
    ...(modelLayer ? { digest: modelLayer.digest } : {}),
    totalSize,
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size ?? null })),
    missingBlobs: missing.map((l) => l.digest),
    storeRoot: m.modelsDir,
    storeTotalBytes: m.storeTotalBytes,
  }
  const blob = modelLayer ? paths.get(modelLayer.hex) : undefined
  if (!modelLayer || !blob) {
    // No usable weights: still list the tag so the user sees the broken entry.
    ctx.emitAsset({
      kind: 'model',
      path: m.manifestPath,
      identity,
      name,
      version: m.tag,
      source: m.source,
      verdict: 'invalid',
      details: { ...details, reason: modelLayer ? 'model blob missing' : 'no model layer' },
    })
    return
  }
  const knownSha256 = await checkBlob(ctx, blob, modelLayer, name)
  await ctx.addModel(blob, {
    source: m.source,
    name,
    version: m.tag,
    identity,
    knownSha256,
    details,
  })
}

/** Size check always; digest recomputation only when verification was asked for. */
async function checkBlob(
  ctx: DiscoveryContext,
  blob: string,
  layer: Layer,
  name: string,
): Promise<string | undefined> {
  const st = await statQuiet(blob)
  if (st && layer.size !== undefined && st.size !== layer.size) {
    ctx.emitFinding({
      ruleId: 'store.ollama-blob-tampered',
      message: `${name}: blob ${layer.digest} is ${st.size} bytes, the manifest says ${layer.size}`,
      path: blob,
    })
    return undefined
  }
  if (!ctx.verifyDigests) return layer.hex
  try {
    const actual = await sha256File(blob, undefined, ctx.signal)
    if (actual !== layer.hex)
      ctx.emitFinding({
        ruleId: 'store.ollama-blob-tampered',
        message: `${name}: blob content hashes to ${actual}, not ${layer.hex}`,
        path: blob,
      })
    return actual
  } catch {
    return undefined
  }
}

export const OLLAMA_LOCATOR: Locator = {
  id: 'ollama',
  title: 'Ollama model store',
  async locate(ctx) {
    for (const dir of ollamaModelDirs(ctx))
      await guard(ctx, dir, () => scanOllamaStore(ctx, dir, 'ollama'))
  },
}

/** Msty embeds an Ollama-layout store in its app data folder ([k], unverified layout). */
export const MSTY_LOCATOR: Locator = {
  id: 'msty',
  title: 'Msty model store',
  async locate(ctx) {
    const b = baseDirs(ctx)
    for (const dir of uniq([join(b.appData, 'Msty', 'models'), join(b.config, 'Msty', 'models')]))
      await guard(ctx, dir, () => scanOllamaStore(ctx, dir, 'msty'))
  },
}

/**
 * The asset id of an Ollama model (`llama3`, `llama3:8b`, `user/model:tag`) when its manifest is in
 * a known Ollama store: identity `ollama:<host>/<ns>/<model>:<tag>`, as scanOllamaStore emits it.
 */
export async function findOllamaModel(
  ctx: DiscoveryContext,
  ref: string,
): Promise<{ assetId: string; identity: string } | undefined> {
  const m = /^(?:([\w.-]+)\/)?([\w.-]+)(?::([\w.-]+))?$/.exec(ref)
  if (!m?.[2]) return undefined
  const ns = m[1] ?? DEFAULT_NAMESPACE
  const tag = m[3] ?? 'latest'
  for (const dir of ollamaModelDirs(ctx)) {
    if (!(await statQuiet(join(dir, 'manifests', DEFAULT_HOST, ns, m[2], tag)))?.isFile()) continue
    const identity = `ollama:${DEFAULT_HOST}/${ns}/${m[2]}:${tag}`
    return { assetId: assetIdFor('model', identity), identity }
  }
  return undefined
}
