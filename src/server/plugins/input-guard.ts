import type { FastifyInstance, FastifyRequest } from 'fastify'
import { MAX_BODY_DEPTH, MAX_ITEM_BYTES, STORABLE_TEXT } from '../../shared/sync-api'
import { HttpError } from './errors'

/**
 * The first problem of a parsed request part (query, params or body), or undefined: nesting
 * deeper than MAX_BODY_DEPTH, or a string or property name that is not STORABLE_TEXT. The walk is
 * iterative, so a hostile depth cannot overflow the stack here.
 *
 * An inventory item's `data` (an object beside `op`) is exempt from the text check: it is stored
 * as JSON text, where NUL and lone surrogates are escapes (`\u0000`), the same on both engines,
 * and the columns read out of it are cleaned (storage/ingest.ts). Its depth still counts.
 */
export function inputProblem(root: unknown, where: string): string | undefined {
  const stack: { v: unknown; path: string; depth: number; text: boolean }[] = [
    { v: root, path: where, depth: 0, text: true },
  ]
  while (stack.length > 0) {
    const { v, path, depth, text } = stack.pop()!
    if (typeof v === 'string') {
      if (text && !STORABLE_TEXT.test(v)) return `${path} contains a NUL or an unpaired surrogate`
      continue
    }
    if (v === null || typeof v !== 'object') continue
    if (depth >= MAX_BODY_DEPTH) return `${path} is nested deeper than ${MAX_BODY_DEPTH} levels`
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1, text }))
      continue
    }
    const isItem = 'op' in v
    for (const [k, x] of Object.entries(v)) {
      if (text && !STORABLE_TEXT.test(k))
        return `${path} has a property name with a NUL or an unpaired surrogate`
      const child = `${path}.${k}`
      stack.push({ v: x, path: child, depth: depth + 1, text: text && !(isItem && k === 'data') })
    }
  }
  return undefined
}

/**
 * Refuses, with 400 before any route sees it, input the database or the serialiser cannot take:
 * on every route (agent, fleet, dashboard), so a bad value can never turn into a 500 (which a
 * sync client would retry unchanged forever).
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const problem =
      inputProblem(request.query, 'querystring') ??
      inputProblem(request.params, 'params') ??
      inputProblem(request.body, 'body')
    if (problem) throw new HttpError(400, 'bad_request', problem)
  })
}

/**
 * preValidation of `POST /inventory`: every upserted item's `data` must serialise to at most
 * MAX_ITEM_BYTES (runs after the guard above, so the depth is already bounded). The message
 * names the item, so a client can tell which one it cannot send.
 */
export async function checkItemSizes(request: FastifyRequest): Promise<void> {
  const body = request.body as { assets?: unknown; findings?: unknown } | undefined
  for (const list of ['assets', 'findings'] as const) {
    const items = body?.[list]
    if (!Array.isArray(items)) continue
    for (const [i, it] of items.entries()) {
      const data = (it as { data?: unknown } | null)?.data
      if (data === undefined) continue
      const bytes = Buffer.byteLength(JSON.stringify(data) ?? '')
      if (bytes > MAX_ITEM_BYTES) {
        const key = String((it as { key?: unknown }).key ?? '').slice(0, 80)
        throw new HttpError(
          400,
          'bad_request',
          `body.${list}[${i}] (key ${JSON.stringify(key)}) has ${bytes} bytes of data; ` +
            `the limit per item is ${MAX_ITEM_BYTES}`,
        )
      }
    }
  }
}
