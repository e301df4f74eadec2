import {
  ALLOW_CLASS_PREFIXES,
  ALLOW_EXACT,
  BUILTIN_MODULES,
  DENY_MODULES,
  DENY_METHODS,
  DENY_NAMES,
  SAFE_BUILTINS,
  STRONG_COMPONENTS,
  TORCHSCRIPT_ROOTS,
} from './lists'

/** How one imported global is judged. */
export type ImportVerdict =
  | Readonly<{ tier: 'allow' }>
  | Readonly<{ tier: 'deny'; callable: string; reason: string }>
  | Readonly<{ tier: 'dunder'; callable: string }>
  | Readonly<{ tier: 'unknown'; callable: string }>

const DENY_MODULE_SET: ReadonlySet<string> = new Set(DENY_MODULES)
const DENY_NAME_MAP: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(DENY_NAMES).map(([m, ns]) => [m, new Set(ns)]),
)
const DENY_METHOD_MAP: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(DENY_METHODS).map(([m, ns]) => [m, new Set(ns)]),
)
const ALLOW_MAP: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(ALLOW_EXACT).map(([m, ns]) => [m, new Set(ns)]),
)
const CLASS_NAME = /^[A-Z][A-Za-z0-9_]*$/
const DUNDER = /^__.+__$/

/** Python 2 module names that Python 3's unpickler maps to their new homes. */
function normaliseModule(module: string): string {
  if (module === '__builtin__' || module === '__builtins__') return 'builtins'
  if (module === 'copy_reg') return 'copyreg'
  if (module === 'exceptions') return 'builtins'
  return module
}

function deniedModulePrefix(parts: readonly string[]): string | undefined {
  let prefix = ''
  for (const p of parts) {
    prefix = prefix ? `${prefix}.${p}` : p
    if (DENY_MODULE_SET.has(prefix)) return prefix
  }
  return undefined
}

/**
 * Judges `module` + `name` as the unpickler would resolve them: import `module`, then walk the
 * dotted `name` attribute by attribute. Every component is checked (`gettext` + `os.system` is
 * `os.system`; GHSA-5j3x-jp52-966f), submodules of denied modules are denied (CVE-2025-10157).
 */
export function classifyImport(rawModule: string, name: string): ImportVerdict {
  return classify(rawModule, name, true)
}

/**
 * `walkStrong` is false only for the one nested call that names what a strong component leads to
 * (its reason text): the verdict is already deny by then, so that call never walks strong
 * components itself. Recursion is therefore at most one level deep whatever the dotted path
 * (`system.system`, `eval.eval.eval...` once sent this into unbounded recursion and a stack
 * overflow that hid every later import in the stream).
 */
function classify(rawModule: string, name: string, walkStrong: boolean): ImportVerdict {
  const module = normaliseModule(rawModule)
  const callable = `${module}.${name}`
  if (ALLOW_MAP.get(module)?.has(name)) return { tier: 'allow' }
  const modParts = module.split('.')
  const nameParts = name.split('.')
  if (
    TORCHSCRIPT_ROOTS.has(modParts[0]!) &&
    ![...modParts, ...nameParts].some((c) => STRONG_COMPONENTS.has(c))
  ) {
    return { tier: 'allow' }
  }
  // builtins: only plain data types and pure functions are allowed; eval/exec/getattr/open/
  // __import__/setattr and everything else are denied.
  if (BUILTIN_MODULES.has(module)) {
    if (nameParts.length === 1 && SAFE_BUILTINS.has(name)) return { tier: 'allow' }
    return { tier: 'deny', callable, reason: 'builtins other than plain data types' }
  }
  const methods = DENY_METHOD_MAP.get(modParts[0]!)
  if (methods && nameParts.length > 1 && methods.has(nameParts[nameParts.length - 1]!)) {
    return {
      tier: 'deny',
      callable,
      reason: `filesystem method ${nameParts[nameParts.length - 1]}`,
    }
  }
  const denied = deniedModulePrefix([...modParts, ...nameParts])
  if (denied && modParts.length > 0) {
    return { tier: 'deny', callable, reason: `module ${denied}` }
  }
  for (let i = 0; i < modParts.length; i++) {
    const m = modParts.slice(0, i + 1).join('.')
    const rest = [...modParts.slice(i + 1), ...nameParts]
    const names = DENY_NAME_MAP.get(m)
    if (names && rest.length > 0 && names.has(rest[0]!)) {
      return { tier: 'deny', callable, reason: `${m}.${rest[0]}` }
    }
  }
  const all = [...modParts, ...nameParts]
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!
    if (i === 0 && (c === '__main__' || c === '__future__')) continue
    if (DUNDER.test(c)) return { tier: 'dunder', callable }
  }
  // Components after the first: an attribute walk (or a sys.modules alias) into a dangerous module.
  for (let i = 1; walkStrong && i < all.length; i++) {
    const c = all[i]!
    if (STRONG_COMPONENTS.has(c)) {
      const inner = classify(c, all.slice(i + 1).join('.') || c, false)
      return {
        tier: 'deny',
        callable,
        reason: inner.tier === 'deny' ? `reaches ${c} (${inner.reason})` : `reaches ${c}`,
      }
    }
  }
  if (nameParts.length === 1 && CLASS_NAME.test(name)) {
    for (const p of ALLOW_CLASS_PREFIXES) {
      if (module === p || module.startsWith(`${p}.`)) return { tier: 'allow' }
    }
  }
  return { tier: 'unknown', callable }
}
