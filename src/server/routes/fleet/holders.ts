import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { findHolders } from '../../storage/fleet'
import type { HolderQuery } from '../../storage/fleet'
import { guard } from './common'

const Hex64 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' })
const Text = Type.String({ minLength: 1, maxLength: 512 })

/**
 * `GET /holders?sha256=…` (a model), `?fingerprint=…` (an AI key), `?mcpCommand=…` or
 * `?mcpUrl=…` (an MCP server, substring), `?tool=…` (a tool, app, extension or model server by
 * name): the devices that hold it, with the matching assets. Exactly one parameter.
 */
export const holderRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  app.get(
    '/holders',
    {
      ...guard(app as unknown as FastifyInstance, ctx, 'viewer'),
      schema: {
        querystring: Type.Object(
          {
            sha256: Type.Optional(Hex64),
            fingerprint: Type.Optional(Hex64),
            mcpCommand: Type.Optional(Text),
            mcpUrl: Type.Optional(Text),
            tool: Type.Optional(Text),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query
      const given: HolderQuery[] = [
        ...(q.sha256 !== undefined ? [{ by: 'sha256', sha256: q.sha256 } as const] : []),
        ...(q.fingerprint !== undefined
          ? [{ by: 'fingerprint', fingerprint: q.fingerprint } as const]
          : []),
        ...(q.mcpCommand !== undefined ? [{ by: 'mcp-command', text: q.mcpCommand } as const] : []),
        ...(q.mcpUrl !== undefined ? [{ by: 'mcp-url', text: q.mcpUrl } as const] : []),
        ...(q.tool !== undefined ? [{ by: 'tool', name: q.tool } as const] : []),
      ]
      if (given.length !== 1) {
        throw new HttpError(
          400,
          'bad_request',
          'give exactly one of sha256, fingerprint, mcpCommand, mcpUrl, tool',
        )
      }
      return findHolders(ctx.storage, given[0]!, { limit: q.limit })
    },
  )
}
