import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../app'
import type { AlertEngine } from '../../alerts/engine'
import { listDeliveries } from '../../alerts/engine'
import { guard } from '../fleet/common'

/** `GET /alerts`: the notifiers (targets without their secrets) and the delivery log (admin). */
export const alertRoutes: FastifyPluginAsyncTypebox<AppContext & { engine?: AlertEngine }> = async (
  app,
  ctx,
) => {
  app.get('/alerts', guard(app as unknown as FastifyInstance, ctx, 'admin'), async () => ({
    enabled: ctx.engine !== undefined,
    notifiers: (ctx.engine?.notifiers ?? []).map((n) => ({
      name: n.name,
      kind: n.kind,
      target: n.target,
    })),
    deliveries: await listDeliveries(ctx.storage),
  }))
}
