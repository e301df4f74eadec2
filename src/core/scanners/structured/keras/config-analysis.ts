import { classifyImport } from '../../pickle/classify'
import type { ModelFinding } from '../../types'
import { isRecord } from '../util'

/**
 * Module roots Keras may import while deserialising a model config. keras_nlp and keras_cv are
 * the Keras team's own packages (keras_nlp was renamed keras_hub); models published with them
 * name those modules, and flagging them would condemn official checkpoints.
 */
const ALLOWED_ROOTS = new Set([
  'keras',
  'keras_hub',
  'keras_nlp',
  'keras_cv',
  'tf_keras',
  'tensorflow',
])

/**
 * Keras functions that are dangerous even inside the allowed modules: they download files,
 * load further models or switch safe_mode off (CVE-2025-8747, CVE-2025-9906).
 */
const UNSAFE_FUNCTIONS = new Set([
  // TensorFlow functions reachable under the allowed `tensorflow` root that run Python, or read
  // and write files (a `module` of tensorflow.io / tensorflow.python.ops.script_ops).
  'py_function',
  'numpy_function',
  'py_func',
  'eager_py_func',
  'write_file',
  'read_file',
  'GFile',
  'extract_archive',
  'plot_model',
  'model_to_dot',
  'TFSMLayer',
  'get_file',
  'enable_unsafe_deserialization',
  'load_model',
  'load_weights',
  'save_model',
  'deserialize_keras_object',
  'legacy_load_model',
  'load_from_saved_model',
])

/** Module path components that mean Python execution or file access inside TensorFlow/Keras. */
const UNSAFE_COMPONENTS = new Set(['script_ops', 'gfile', 'file_io', 'io_ops', 'file_utils'])

/** Lookup layers whose `vocabulary` (or other) string is read as a file path or URL at load. */
const FILE_READING_LAYERS = new Set([
  'StringLookup',
  'IntegerLookup',
  'TextVectorization',
  'Hashing',
  'TFSMLayer',
])

/** Layer types that store Python code. */
const LAMBDA_CLASSES = new Set(['Lambda'])

const MAX_DEPTH = 256
const MAX_NODES = 2_000_000

export type KerasConfigOptions = Readonly<{ lambdaRuleId: string; member?: string; where: string }>

export type KerasConfigSummary = Readonly<{
  findings: ModelFinding[]
  topClass?: string
  layerCount: number
  truncated: boolean
}>

function moduleRoot(m: string): string {
  return m.split('.')[0] ?? m
}

/** `registered_name` is `package>Name` for custom objects, or a plain name for built-ins. */
function registeredPackage(r: string): string | undefined {
  const i = r.indexOf('>')
  return i > 0 ? r.slice(0, i) : undefined
}

function hasFunction(config: unknown): boolean {
  if (!isRecord(config)) return false
  const f = config['function']
  return f !== undefined && f !== null && f !== ''
}

/**
 * Walks a Keras model config (v2 or v3 JSON) and reports Lambda layers, modules outside Keras,
 * dangerous Keras functions and custom objects. Iterative, with depth and node caps.
 */
export function analyzeKerasConfig(root: unknown, opts: KerasConfigOptions): KerasConfigSummary {
  const findings: ModelFinding[] = []
  const seen = new Set<string>()
  const add = (ruleId: string, message: string): void => {
    const k = `${ruleId}:${message}`
    if (seen.has(k) || findings.length >= 50) return
    seen.add(k)
    findings.push({ ruleId, message: `${opts.where}: ${message}`, member: opts.member })
  }
  let layerCount = 0
  let nodes = 0
  let truncated = false
  const stack: [unknown, number, string][] = [[root, 0, '$']]
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      truncated = true
      break
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, `${path}[${i}]`])
      continue
    }
    if (!isRecord(v)) continue
    const cls = typeof v['class_name'] === 'string' ? v['class_name'] : undefined
    const mod = typeof v['module'] === 'string' ? v['module'] : undefined
    const reg = typeof v['registered_name'] === 'string' ? v['registered_name'] : undefined
    const label = `${cls ?? '?'}${mod ? ` (module ${mod})` : ''} at ${path}`
    if (cls && isRecord(v['config'])) layerCount++
    if (cls && LAMBDA_CLASSES.has(cls)) {
      if (hasFunction(v['config'])) {
        add(opts.lambdaRuleId, `Lambda layer with serialized Python code ${label}`)
        continue // its function body is code, not config: nothing more to learn inside
      }
      add('keras.custom-object', `Lambda layer without a stored function ${label}`)
    }
    if (mod !== undefined && !ALLOWED_ROOTS.has(moduleRoot(mod))) {
      add(
        'keras.external-module',
        `config imports module ${JSON.stringify(mod)} for ${JSON.stringify(cls ?? reg ?? '?')} at ${path}`,
      )
    }
    const fnNames = [cls, reg?.split('>').pop(), mod?.split('.').pop()]
    if (mod !== undefined && mod.split('.').some((c) => UNSAFE_COMPONENTS.has(c))) {
      add(
        'keras.unsafe-function',
        `config reaches ${JSON.stringify(mod)} (Python execution or file access) ${label}`,
      )
    }
    if (cls && FILE_READING_LAYERS.has(cls) && isRecord(v['config'])) {
      const c = v['config']
      for (const key of ['vocabulary', 'filepath', 'vocabulary_file', 'salt']) {
        const val = c[key]
        if (typeof val === 'string' && /[/\\]|:\/\/|^~/.test(val)) {
          add(
            'keras.file-reference',
            `${cls} reads ${key} ${JSON.stringify(val.slice(0, 200))} when the model loads ${label}`,
          )
        }
      }
    }
    if (fnNames.some((n) => n !== undefined && UNSAFE_FUNCTIONS.has(n))) {
      add(
        'keras.unsafe-function',
        `config reaches Keras function ${JSON.stringify(cls ?? reg)} ${label}`,
      )
    }
    if (
      cls === 'function' &&
      typeof v['config'] === 'string' &&
      UNSAFE_FUNCTIONS.has(v['config'])
    ) {
      add(
        'keras.unsafe-function',
        `config reaches function ${JSON.stringify(v['config'])} at ${path}`,
      )
    }
    if (reg !== undefined) {
      const pkg = registeredPackage(reg)
      if (pkg !== undefined && !ALLOWED_ROOTS.has(moduleRoot(pkg))) {
        // A registered package that is a dangerous module (`os>system`) is a gadget, not a
        // custom layer.
        const verdict = classifyImport(pkg, reg.slice(reg.indexOf('>') + 1) || 'x')
        if (verdict.tier === 'deny' || verdict.tier === 'dunder')
          add(
            'keras.external-module',
            `registered object ${JSON.stringify(reg)} resolves into ${pkg} at ${path}`,
          )
        else add('keras.custom-object', `custom object ${JSON.stringify(reg)} at ${path}`)
      }
    }
    const keys = Object.keys(v)
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = v[keys[i]!]
      if (typeof child === 'object' && child !== null)
        stack.push([child, depth + 1, `${path}.${keys[i]}`])
    }
  }
  if (truncated) add('keras.invalid-config', 'config is too deep or too large to check completely')
  const topClass =
    isRecord(root) && typeof root['class_name'] === 'string' ? root['class_name'] : undefined
  return { findings, topClass, layerCount, truncated }
}
