import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import {
  createEnrollSecret,
  listEnrollSecrets,
  revokeEnrollSecret,
} from '../../storage/enroll-secrets'
import { TeamNameError } from '../../storage/orgs'
import { guard } from './common'

/** Enroll secrets (admin): list (prefixes only), create (the secret is in this answer only), revoke. */
export const enrollSecretRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const base = app as unknown as FastifyInstance
  app.get('/enroll-secrets', guard(base, ctx, 'admin'), async () => ({
    secrets: await listEnrollSecrets(ctx.storage),
  }))
  app.post(
    '/enroll-secrets',
    {
      ...guard(base, ctx, 'admin'),
      schema: {
        body: Type.Object(
          { team: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      try {
        const { secret, info } = await createEnrollSecret(ctx.storage, request.body.team)
        request.log.info({ secret: info.id, team: info.team }, 'enroll secret created')
        return reply.status(201).send({ secret, ...info })
      } catch (e) {
        if (e instanceof TeamNameError) throw new HttpError(400, 'bad_request', e.message)
        throw e
      }
    },
  )
  app.post(
    '/enroll-secrets/:id/revoke',
    {
      ...guard(base, ctx, 'admin'),
      schema: { params: Type.Object({ id: Type.String({ pattern: '^es_[0-9a-f]{20}$' }) }) },
    },
    async (request) => {
      if (!(await revokeEnrollSecret(ctx.storage, request.params.id))) {
        throw new HttpError(404, 'not_found', 'no such active enroll secret')
      }
      return { revoked: true }
    },
  )
}
