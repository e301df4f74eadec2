import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { ACCEPTANCE_SOURCES, FINDING_STATUS_FILTERS } from '../../../shared/dashboard-api'
import { SEVERITY_NAMES } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { deviceSummary, CursorError } from '../../storage/fleet'
import {
  deviceAssets,
  kindCounts,
  listFindings,
  searchFleet,
} from '../../storage/dashboard-queries'
import { guard } from '../fleet/common'

const DeviceIdPattern = '^dev_[0-9a-f]{20}$'
const DeviceId = Type.Object({ id: Type.String({ pattern: DeviceIdPattern }) })
const Cursor = Type.Optional(Type.String({ maxLength: 2048 }))

function paged<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((e: unknown) => {
    if (e instanceof CursorError) throw new HttpError(400, 'bad_request', e.message)
    throw e
  })
}

/**
 * Read views the dashboard adds to the fleet API (viewer role): a device's inventory, findings
 * across the fleet with filters, asset counts by kind, and the one-box fleet search.
 */
export const fleetViewRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const base = app as unknown as FastifyInstance
  app.get(
    '/devices/:id/assets',
    {
      ...guard(base, ctx, 'viewer'),
      schema: {
        params: DeviceId,
        querystring: Type.Object({
          kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          after: Cursor,
        }),
      },
    },
    async (request) => {
      if (!(await deviceSummary(ctx.storage, request.params.id)))
        throw new HttpError(404, 'not_found', 'no such device')
      const page = await paged(() => deviceAssets(ctx.storage, request.params.id, request.query))
      return { assets: page.items, ...(page.next ? { next: page.next } : {}) }
    },
  )

  app.get(
    '/device-kinds',
    {
      ...guard(base, ctx, 'viewer'),
      schema: {
        querystring: Type.Object({
          ids: Type.String({
            maxLength: 500 * 25,
            pattern: '^dev_[0-9a-f]{20}(,dev_[0-9a-f]{20})*$',
          }),
        }),
      },
    },
    async (request) => ({ kinds: await kindCounts(ctx.storage, request.query.ids.split(',')) }),
  )

  app.get(
    '/findings',
    {
      ...guard(base, ctx, 'viewer'),
      schema: {
        querystring: Type.Object(
          {
            severity: Type.Optional(
              Type.String({
                pattern: `^(${SEVERITY_NAMES.join('|')})(,(${SEVERITY_NAMES.join('|')}))*$`,
              }),
            ),
            rule: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            device: Type.Optional(Type.String({ pattern: DeviceIdPattern })),
            status: Type.Optional(Type.Enum(FINDING_STATUS_FILTERS)),
            source: Type.Optional(Type.Enum(ACCEPTANCE_SOURCES)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            after: Cursor,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query
      const page = await paged(() =>
        listFindings(ctx.storage, {
          severity: q.severity?.split(','),
          rule: q.rule,
          deviceId: q.device,
          status: q.status,
          source: q.source,
          limit: q.limit,
          after: q.after,
        }),
      )
      return { findings: page.items, ...(page.next ? { next: page.next } : {}) }
    },
  )

  app.get(
    '/search',
    {
      ...guard(base, ctx, 'viewer'),
      schema: {
        querystring: Type.Object(
          { q: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ sections: await searchFleet(ctx.storage, request.query.q) }),
  )
}
