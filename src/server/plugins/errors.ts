import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DirectiveAction, ErrorBody, ErrorCode } from '../../shared/sync-api'

/** An error that becomes one JSON error body with this status and code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Readonly<{
      action?: DirectiveAction
      expectedSeq?: number
      retryAfterS?: number
    }> = {},
  ) {
    super(message)
  }
}

export function errorBody(
  code: ErrorCode,
  message: string,
  extra: Readonly<{ action?: DirectiveAction; expectedSeq?: number; retryAfterS?: number }> = {},
): ErrorBody {
  return {
    error: code,
    message,
    action: extra.action ?? 'none',
    serverTime: new Date().toISOString(),
    ...(extra.expectedSeq !== undefined ? { expectedSeq: extra.expectedSeq } : {}),
    ...(extra.retryAfterS !== undefined ? { retryAfterS: extra.retryAfterS } : {}),
  }
}

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
}

/**
 * Every error leaves as the same JSON shape. Messages are ours, never the input's: a body that is
 * not JSON gets a fixed message (the parser's would quote the body, which may hold a secret).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) {
      if (err.extra.retryAfterS !== undefined)
        reply.header('retry-after', String(err.extra.retryAfterS))
      return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.extra))
    }
    if (err.validation) {
      const first = err.validation[0]
      const where = err.validationContext ?? 'body'
      const path = (first as { instancePath?: string } | undefined)?.instancePath ?? ''
      const reason = first?.message ?? 'is invalid'
      return reply
        .status(400)
        .send(errorBody('bad_request', `${where}${path ? path.replace(/\//g, '.') : ''} ${reason}`))
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status === 429) {
      const retry = Number(reply.getHeader('retry-after'))
      return reply.status(429).send(
        errorBody('rate_limited', 'too many requests; retry later', {
          retryAfterS: Number.isFinite(retry) ? retry : 60,
        }),
      )
    }
    if (status >= 400 && status < 500) {
      const code = BY_STATUS[status] ?? 'bad_request'
      const message = err.code?.startsWith('FST_CSRF')
        ? 'missing or invalid CSRF token (x-csrf-token); reload the dashboard'
        : err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'request body is not valid JSON'
          : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'request body too large'
            : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'Content-Type must be application/json'
              : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
                ? 'request body is empty'
                : code.replace(/_/g, ' ')
      return reply.status(status).send(errorBody(code, message))
    }
    request.log.error(
      { err: { type: err.name, code: err.code, stack: err.stack } },
      'request failed',
    )
    return reply.status(500).send(errorBody('internal', 'internal server error'))
  })
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send(errorBody('not_found', 'no such route')),
  )
}
