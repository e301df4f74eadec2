/**
 * Where a model repository's configs point at Python code that loaders import: transformers
 * `auto_map` (config.json, tokenizer/processor configs), `custom_pipelines`, diffusers
 * `model_index.json` components from non-library modules, and sentence-transformers `modules.json`
 * module types. Pure functions over parsed JSON; reading files is the caller's job.
 */

/** One place a config names code. */
export type CodeReference = Readonly<{
  /** Config file (repository-relative) and key that names the code. */
  config: string
  key: string
  /** Dotted module as written (`modeling_foo`, `pkg.mod`). */
  module: string
  /** Class or function named in that module. */
  name?: string
  /** Set when the code lives in another Hugging Face repository (`owner/repo--module.Class`). */
  remoteRepo?: string
  /** Folder (repository-relative, '' for the root) the module path is relative to. */
  baseDir: string
}>

/** Configs whose `auto_map` transformers follows with trust_remote_code. */
export const AUTO_MAP_CONFIGS: ReadonlySet<string> = new Set([
  'config.json',
  'tokenizer_config.json',
  'processor_config.json',
  'preprocessor_config.json',
  'feature_extractor_config.json',
  'image_processor_config.json',
  'video_preprocessor_config.json',
])

/** Libraries diffusers loads components from by name; anything else in model_index.json is code. */
const DIFFUSERS_LIBRARIES = new Set([
  'diffusers',
  'transformers',
  'onnxruntime',
  'flax',
  'torch',
  'sentence_transformers',
  'peft',
])

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `owner/repo--module.Class` or `module.Class`. */
function parseClassRef(
  value: string,
  config: string,
  key: string,
  baseDir: string,
): CodeReference | undefined {
  let v = value.trim()
  let remoteRepo: string | undefined
  const sep = v.indexOf('--')
  if (sep > 0) {
    remoteRepo = v.slice(0, sep)
    v = v.slice(sep + 2)
  }
  const dot = v.lastIndexOf('.')
  if (dot <= 0) return undefined
  return { config, key, module: v.slice(0, dot), name: v.slice(dot + 1), remoteRepo, baseDir }
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/')
  return i >= 0 ? rel.slice(0, i) : ''
}

function baseOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1)
}

/** Code references in one parsed config file (`rel` is its repository-relative path). */
export function codeReferences(rel: string, json: unknown): CodeReference[] {
  if (!isRecord(json)) return []
  const refs: CodeReference[] = []
  const base = baseOf(rel)
  const dir = dirOf(rel)
  const push = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      const r = parseClassRef(value, rel, key, dir)
      if (r) refs.push(r)
    } else if (Array.isArray(value)) {
      // Tokenizers: [slow, fast], either may be null.
      for (const v of value) push(v, key)
    }
  }
  if (AUTO_MAP_CONFIGS.has(base) && isRecord(json['auto_map'])) {
    for (const [k, v] of Object.entries(json['auto_map'])) push(v, `auto_map.${k}`)
  }
  if (base === 'config.json' && isRecord(json['custom_pipelines'])) {
    for (const [task, spec] of Object.entries(json['custom_pipelines'])) {
      if (!isRecord(spec)) continue
      for (const k of ['impl', 'pt', 'tf']) {
        const v = spec[k]
        if (typeof v === 'string') push(v, `custom_pipelines.${task}.${k}`)
        else if (Array.isArray(v)) v.forEach((x) => push(x, `custom_pipelines.${task}.${k}`))
      }
    }
  }
  if (base === 'model_index.json') {
    const cls = json['_class_name']
    if (Array.isArray(cls) && typeof cls[0] === 'string' && typeof cls[1] === 'string') {
      refs.push({ config: rel, key: '_class_name', module: cls[0], name: cls[1], baseDir: dir })
    }
    for (const [k, v] of Object.entries(json)) {
      if (k.startsWith('_') || !Array.isArray(v) || v.length !== 2) continue
      const [lib, name] = v
      if (typeof lib !== 'string' || typeof name !== 'string') continue
      if (DIFFUSERS_LIBRARIES.has(lib.split('.')[0]!)) continue
      // A custom component module lives in the component's folder.
      refs.push({ config: rel, key: k, module: lib, name, baseDir: dir ? `${dir}/${k}` : k })
    }
  }
  if (base === 'modules.json' && Array.isArray(json)) {
    // sentence-transformers: [{idx, name, path, type: "sentence_transformers.models.Pooling"}]
    json.forEach((m, i) => {
      if (!isRecord(m) || typeof m['type'] !== 'string') return
      const t = m['type']
      if (t.startsWith('sentence_transformers.')) return
      const r = parseClassRef(t, rel, `[${i}].type`, dir)
      if (r) refs.push(r)
    })
  }
  return refs
}

/** Candidate repository-relative files for a module named relative to `baseDir`. */
export function moduleFiles(baseDir: string, module: string): string[] {
  const p = module.split('.').join('/')
  const at = baseDir ? `${baseDir}/${p}` : p
  return [`${at}.py`, `${at}/__init__.py`]
}

/** Resolves a relative import (`.mod`, `..pkg.mod`, `.`) of `fromFile` to candidate files. */
export function relativeImportFiles(fromFile: string, spec: string): string[] {
  const dots = /^\.+/.exec(spec)![0].length
  let dir = dirOf(fromFile)
  for (let i = 1; i < dots; i++) dir = dirOf(dir)
  const rest = spec.slice(dots)
  if (!rest) return []
  return moduleFiles(dir, rest)
}
