import { createRequire } from 'node:module'
import type Ajv from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { Static, TSchema } from 'typebox'

/**
 * One schema library for every runtime check on data that crosses a trust boundary (IPC
 * arguments, settings read back from the database): schemas are written with TypeBox, which
 * emits plain JSON Schema, and compiled by Ajv (the validator Fastify uses on the server).
 *
 * Ajv is required on the first check, not at load: loading it resolves and compiles some forty
 * files on every command's start-up (bench/startup-bench.mjs), and a scan without a policy
 * checks nothing.
 */
let ajv: Ajv | undefined
function validator(): Ajv {
  if (!ajv) {
    const AjvClass = (createRequire(__filename)('ajv') as { default: typeof Ajv }).default
    ajv = new AjvClass({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false })
  }
  return ajv
}

export type Checker<T> = Readonly<{
  check(value: unknown): value is T
  /** One line naming the first problem, e.g. `/limit must be <= 500`; undefined when valid. */
  explain(value: unknown): string | undefined
}>

export function compileSchema<S extends TSchema>(schema: S): Checker<Static<S>> {
  let fn: ValidateFunction | undefined
  const validate = (v: unknown): boolean => (fn ??= validator().compile(schema as object))(v)
  return {
    check: (v): v is Static<S> => validate(v),
    explain(v) {
      if (validate(v)) return undefined
      return describeError(fn!.errors?.[0])
    },
  }
}

function describeError(e: ErrorObject | undefined): string {
  if (!e) return 'invalid value'
  const at = e.instancePath || '(value)'
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at} has an unknown field "${String(e.params.additionalProperty)}"`
    case 'required':
      return `${at} is missing "${String(e.params.missingProperty)}"`
    default:
      return `${at} ${e.message ?? 'is invalid'}`
  }
}
