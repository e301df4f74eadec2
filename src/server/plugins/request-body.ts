import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { HttpError } from './errors'

/**
 * A request body stream that counts the bytes as sent (`receivedEncodedLength`, which Fastify
 * compares with Content-Length) and refuses more than `maxWireBytes` of them with 413.
 */
class WireCounter extends Transform {
  receivedEncodedLength = 0
  constructor(private readonly maxWireBytes: number) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.receivedEncodedLength += chunk.length
    if (this.receivedEncodedLength > this.maxWireBytes) {
      cb(new HttpError(413, 'payload_too_large', `request body over ${this.maxWireBytes} bytes`))
      return
    }
    cb(null, chunk)
  }
}

/**
 * preParsing hook for routes that take `Content-Encoding: gzip`. The size as sent (compressed or
 * not, with or without Content-Length) is capped here while streaming; the decompressed size is capped by the route's bodyLimit, which Fastify checks on every
 * decoded chunk, so a gzip bomb is refused with 413 after at most bodyLimit bytes were inflated
 * (never buffered beyond that). Other encodings are refused with 415.
 */
export function decodeBody(maxWireBytes: number) {
  return async (
    request: FastifyRequest,
    _reply: FastifyReply,
    payload: NodeJS.ReadableStream,
  ): Promise<NodeJS.ReadableStream> => {
    const enc = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase()
    if (enc === 'identity' || enc === '') {
      const len = Number(request.headers['content-length'])
      if (Number.isFinite(len) && len > maxWireBytes) {
        throw new HttpError(413, 'payload_too_large', `request body over ${maxWireBytes} bytes`)
      }
      // A chunked body has no Content-Length to check: count it as it streams, or it would only
      // meet the route's bodyLimit (the inflated limit, far above the wire limit).
      const counter = new WireCounter(maxWireBytes)
      payload.on('error', (e: Error) => counter.destroy(e))
      return payload.pipe(counter)
    }
    if (enc !== 'gzip' && enc !== 'x-gzip') {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Content-Encoding ${enc} is not supported (use gzip)`,
      )
    }
    const counter = new WireCounter(maxWireBytes)
    const gunzip = createGunzip()
    const out = new Transform({
      transform(chunk: Buffer, _e, cb) {
        cb(null, chunk)
      },
    }) as Transform & { receivedEncodedLength: number }
    Object.defineProperty(out, 'receivedEncodedLength', {
      get: () => counter.receivedEncodedLength,
    })
    const fail = (e: Error & { statusCode?: number }): void => {
      if (e instanceof HttpError) out.destroy(e)
      else out.destroy(new HttpError(400, 'bad_request', 'request body is not valid gzip'))
    }
    counter.on('error', fail)
    gunzip.on('error', fail)
    payload.on('error', (e: Error) => out.destroy(e))
    payload.pipe(counter).pipe(gunzip).pipe(out)
    return out
  }
}
