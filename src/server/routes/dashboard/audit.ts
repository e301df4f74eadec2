import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { AUDIT_ACTIONS, listAudit } from '../../storage/audit'
import { guard } from '../fleet/common'

/** `GET /audit`: who did what on the server, newest first (admin). */
export const auditRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/audit',
    {
      ...guard(app as unknown as FastifyInstance, ctx, 'admin'),
      schema: {
        querystring: Type.Object(
          {
            action: Type.Optional(Type.Enum(AUDIT_ACTIONS)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            before: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query
      let before: { at: string; id: string } | undefined
      if (q.before) {
        const [at, id] = q.before.split('|')
        if (!at || !id) throw new HttpError(400, 'bad_request', 'invalid page cursor')
        before = { at, id }
      }
      const entries = await listAudit(ctx.storage, { action: q.action, limit: q.limit, before })
      const last = entries[entries.length - 1]
      return {
        entries,
        ...(last && entries.length === (q.limit ?? 100) ? { next: `${last.at}|${last.id}` } : {}),
      }
    },
  )
}
