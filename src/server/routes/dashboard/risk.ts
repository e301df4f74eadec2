import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AcceptedRisk } from '../../../shared/sync-api'
import { MAX_KEY_LENGTH } from '../../../shared/sync-api'
import { scrubText } from '../../../core'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { audit } from '../../storage/audit'
import { deleteConfigItem, putConfigItem } from '../../storage/config-items'
import { findingOf } from '../../storage/dashboard-queries'
import { guard } from '../fleet/common'

const Target = {
  deviceId: Type.String({ pattern: '^dev_[0-9a-f]{20}$' }),
  findingKey: Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH }),
}

/**
 * Accepted risk set by an admin (`POST /findings/accept`, `POST /findings/unaccept`): stored as a
 * device-scoped config item, so it reaches the device in its config on the next sync (the config
 * ETag changes), and the fleet's findings list shows the finding as accepted until it expires.
 */
export const riskRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const base = app as unknown as FastifyInstance
  app.post(
    '/findings/accept',
    {
      ...guard(base, ctx, 'admin'),
      schema: {
        body: Type.Object(
          {
            ...Target,
            note: Type.String({ minLength: 1, maxLength: 2000 }),
            expiresAt: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { deviceId, findingKey, expiresAt } = request.body
      // The note is stored, audited and sent to the device: a key pasted into it keeps only its
      // redacted preview, as a note typed on the laptop does.
      const note = scrubText(request.body.note.trim())
      // The schema's minLength sees the note before trimming: "  " would be stored empty.
      if (note === '') throw new HttpError(400, 'bad_request', 'note must not be blank')
      if (!(await findingOf(ctx.storage, deviceId, findingKey))) {
        throw new HttpError(404, 'not_found', 'no such finding on this device')
      }
      if (expiresAt !== undefined) {
        const t = Date.parse(expiresAt)
        if (!Number.isFinite(t)) throw new HttpError(400, 'bad_request', 'expiresAt is not a date')
        if (t <= Date.now()) throw new HttpError(400, 'bad_request', 'expiresAt is in the past')
      }
      const principal = request.principal!
      const risk: AcceptedRisk = {
        findingKey,
        note,
        acceptedBy: principal.name,
        acceptedAt: new Date().toISOString(),
        ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      }
      await putConfigItem(ctx.storage, {
        scope: 'device',
        scopeId: deviceId,
        kind: 'accepted-risk',
        key: findingKey,
        value: risk,
      })
      await audit(ctx.storage, {
        actor: principal.name,
        actorKind: principal.kind,
        action: 'risk-accept',
        target: `${deviceId}/${findingKey}`,
        detail: { note, expiresAt: risk.expiresAt ?? null },
        ip: request.ip,
      })
      return { accepted: risk }
    },
  )

  app.post(
    '/findings/unaccept',
    {
      ...guard(base, ctx, 'admin'),
      schema: { body: Type.Object(Target, { additionalProperties: false }) },
    },
    async (request) => {
      const { deviceId, findingKey } = request.body
      const removed = await deleteConfigItem(ctx.storage, {
        scope: 'device',
        scopeId: deviceId,
        kind: 'accepted-risk',
        key: findingKey,
      })
      if (!removed) throw new HttpError(404, 'not_found', 'no accepted risk for this finding')
      await audit(ctx.storage, {
        actor: request.principal!.name,
        actorKind: request.principal!.kind,
        action: 'risk-unaccept',
        target: `${deviceId}/${findingKey}`,
        ip: request.ip,
      })
      return { removed: true }
    },
  )
}
