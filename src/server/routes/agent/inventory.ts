import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BatchAck, ErrorBody, InventoryBatch, SnapshotCommit } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { deviceOf, requireDevice } from '../../plugins/device-auth'
import { faultPoint } from '../../fault'
import { HttpError } from '../../plugins/errors'
import { checkItemSizes } from '../../plugins/input-guard'
import { decodeBody } from '../../plugins/request-body'
import { deviceById } from '../../storage/devices'
import { applyBatch, commitSnapshot } from '../../storage/ingest'
import type { IngestResult } from '../../storage/ingest'
import type { DeviceRow } from '../../storage/schema'
import { directiveFor } from './directive'
import { deviceRateLimit } from './rate-limit'

/**
 * `POST /inventory` (one batch: a delta or a snapshot part, usually gzip) and
 * `POST /inventory/commit` (completes a snapshot). A duplicate batch id is acknowledged again
 * without being applied; a sequence gap answers 409 `resync_required`.
 */
export const inventoryRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const answer = async (device: DeviceRow, r: IngestResult, viaPreviousToken: boolean) => {
    if (r.kind === 'resync') {
      throw new HttpError(409, 'resync_required', r.reason, {
        action: 'resync',
        expectedSeq: r.expectedSeq,
      })
    }
    // The directive reflects the state after this batch (a commit clears a pending resync).
    const fresh = (await deviceById(ctx.storage, device.id)) ?? device
    return {
      ...directiveFor(fresh, ctx.limits, { viaPreviousToken }),
      ackSeq: r.ack.ackSeq,
      duplicate: r.kind === 'duplicate',
      applied: r.ack.applied,
    }
  }

  app.post(
    '/inventory',
    {
      schema: { body: InventoryBatch, response: { 200: BatchAck, '4xx': ErrorBody } },
      bodyLimit: ctx.limits.maxInflatedBytes,
      onRequest: requireDevice(ctx.storage),
      preParsing: decodeBody(ctx.limits.maxWireBytes),
      preValidation: checkItemSizes,
      config: deviceRateLimit(ctx.limits),
    },
    async (request) => {
      const device = deviceOf(request)
      faultPoint('before-apply')
      const r = await applyBatch(ctx.storage, device.id, request.body)
      faultPoint('after-commit')
      request.log.info(
        {
          seq: request.body.seq,
          mode: request.body.mode,
          items: request.body.assets.length + request.body.findings.length,
          result: r.kind,
        },
        'inventory batch',
      )
      return answer(device, r, request.deviceViaPrevious === true)
    },
  )

  app.post(
    '/inventory/commit',
    {
      schema: { body: SnapshotCommit, response: { 200: BatchAck, '4xx': ErrorBody } },
      onRequest: requireDevice(ctx.storage),
      preParsing: decodeBody(ctx.limits.maxSmallBodyBytes),
      config: deviceRateLimit(ctx.limits),
    },
    async (request) => {
      const device = deviceOf(request)
      const r = await commitSnapshot(ctx.storage, device.id, request.body)
      request.log.info({ seq: request.body.seq, result: r.kind }, 'snapshot commit')
      return answer(device, r, request.deviceViaPrevious === true)
    },
  )
}
