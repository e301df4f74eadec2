import { classifyImport } from './classify'
import type { FindingSink } from './findings'
import { GETATTR_LIKE } from './lists'
import type { CallV, DictV, GlobalV, V } from './values'
import { T } from './values'

/** Decodes a symbolic string value (bounded); undefined for anything else. */
export type TextOf = (v: V) => string | undefined

/** Dunder attributes whose assignment through BUILD state rewires code or lookups. */
const DANGEROUS_STATE_KEYS: ReadonlySet<string> = new Set([
  '__globals__',
  '__builtins__',
  '__code__',
  '__class__',
  '__reduce__',
  '__reduce_ex__',
  '__setstate__',
  '__getattr__',
  '__getattribute__',
  '__import__',
  '__call__',
  '__init__',
  '__new__',
  '__func__',
  '__self__',
  '__subclasses__',
  '__bases__',
  '__mro__',
  '__closure__',
  '__defaults__',
  '__kwdefaults__',
  '__loader__',
  '__spec__',
])

/**
 * GLOBAL / STACK_GLOBAL / INST: judges the import (deny / allow / unknown tiers, dunder paths)
 * and records the finding. Returns the symbolic callable.
 */
export function judgeImport(
  sink: FindingSink,
  module: string,
  name: string,
  off: number,
  onAllowed?: (name: string) => void,
): GlobalV {
  const v = classifyImport(module, name)
  switch (v.tier) {
    case 'allow':
      onAllowed?.(name)
      return { t: T.Global, module, name, off, allowed: true }
    case 'deny':
      sink.add(
        'pickle.dangerous-callable',
        `Pickle imports ${v.callable} (${v.reason}), which can run code or touch files or the network when loaded`,
        off,
        v.callable,
      )
      break
    case 'dunder':
      sink.add(
        'pickle.gadget-dunder',
        `Pickle reaches the dunder attribute path ${v.callable} through an import`,
        off,
        v.callable,
      )
      break
    case 'unknown':
      sink.add(
        'pickle.unknown-import',
        `Pickle imports ${v.callable}, which is not on the known-safe list`,
        off,
        v.callable,
      )
      break
  }
  return { t: T.Global, module, name, off, allowed: false }
}

function callableName(v: V): string | undefined {
  if (typeof v !== 'number' && v.t === T.Global) return `${v.module}.${v.name}`
  return undefined
}

function stringArgs(text: TextOf, args: V): string[] {
  if (typeof args === 'number') return []
  const items = args.t === T.Tuple ? args.items : [args]
  const out: string[] = []
  for (const it of items) {
    const s = text(it)
    if (s !== undefined) out.push(s)
  }
  return out
}

/** REDUCE / NEWOBJ / NEWOBJ_EX / OBJ / INST: the gadget rules look at what is called with what. */
export function judgeCall(
  sink: FindingSink,
  text: TextOf,
  fn: V,
  args: V,
  off: number,
  op: string,
): CallV {
  if (typeof fn !== 'number' && fn.t === T.Call) {
    const inner = callableName(fn.fn) ?? 'an expression'
    sink.add(
      'pickle.gadget-call-result',
      `${op} calls the result of calling ${inner}: a chained call, the shape of a code-execution gadget`,
      off,
      inner,
    )
  } else if (typeof fn !== 'number' && fn.t === T.Global) {
    const last = fn.name.split('.').pop() ?? fn.name
    if (GETATTR_LIKE.has(last)) {
      const strs = stringArgs(text, args)
      if (strs.length > 0) {
        sink.add(
          'pickle.gadget-getattr',
          `${op} calls ${fn.module}.${fn.name} with the string argument(s) ${strs.map((s) => JSON.stringify(s.slice(0, 80))).join(', ')}: an attribute or import looked up by name`,
          off,
          `${fn.module}.${fn.name}`,
        )
      }
    }
  }
  return { t: T.Call, fn, args, off }
}

/** A container or state operation applied to a global: setting attributes on a function/module. */
export function checkTarget(sink: FindingSink, target: V, op: string, off: number): void {
  if (typeof target !== 'number' && target.t === T.Global) {
    sink.add(
      'pickle.gadget-build-callable',
      `${op} is applied to the imported callable ${target.module}.${target.name} itself, which rewrites its attributes or calls its methods`,
      off,
      `${target.module}.${target.name}`,
    )
  }
}

/** BUILD state that names dunder attributes (`__globals__`, `__builtins__`, `__code__`). */
export function checkStateKeys(sink: FindingSink, text: TextOf, state: V, at: number): void {
  if (typeof state === 'number') return
  const dicts: DictV[] = []
  if (state.t === T.Dict) dicts.push(state)
  else if (state.t === T.Tuple) {
    for (const it of state.items) if (typeof it !== 'number' && it.t === T.Dict) dicts.push(it)
  }
  for (const d of dicts) {
    if (!d.kv) continue
    for (let i = 0; i < d.kv.length; i += 2) {
      const k = text(d.kv[i]!)
      if (k !== undefined && DANGEROUS_STATE_KEYS.has(k)) {
        sink.add('pickle.gadget-dunder', `BUILD sets the dunder attribute ${k} on an object`, at, k)
      }
    }
  }
}
