import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { checkPolicyRule } from '../../../core'
import type { PolicyEntry, PolicyScope } from '../../../shared/dashboard-api'
import type { Policy } from '../../../shared/sync-api'
import { SEVERITY_NAMES } from '../../../shared/sync-api'
import type { AppContext } from '../../app'
import { HttpError } from '../../plugins/errors'
import { audit } from '../../storage/audit'
import { deviceById } from '../../storage/devices'
import { newId } from '../../storage/ids'
import { ensureTeam, teamById, TeamNameError } from '../../storage/orgs'
import type { StoredPolicy } from '../../storage/policies'
import { deletePolicy, listPolicies, policyById, putPolicy } from '../../storage/policies'
import { guard } from '../fleet/common'

const PolicyId = Type.String({ pattern: '^pol_[0-9a-f]{20}$' })
const Name = Type.String({ minLength: 1, maxLength: 256 })
const Severity = Type.Enum(SEVERITY_NAMES)
/** The rule's own fields are checked by core's checkPolicyRule, which names the bad field. */
const Rule = Type.Object({ type: Type.String({ maxLength: 64 }) }, { maxProperties: 16 })
const Params = Type.Object({ id: PolicyId })

/** A rule the devices can evaluate, or a 400 naming the field (`rule.formats.1 ...`). */
function validRule(rule: unknown): Policy['rule'] {
  const r = checkPolicyRule(rule)
  if (!r.ok) throw new HttpError(400, 'bad_request', r.message)
  return r.rule as unknown as Policy['rule']
}

function validName(name: string): string {
  const n = name.trim()
  if (!n) throw new HttpError(400, 'bad_request', 'name must not be blank')
  return n
}

/**
 * Fleet policies (`/policies`): viewers list them, admins create, edit, enable or disable and
 * delete them. Each is a config item, so devices receive the change on their next sync (the
 * config ETag changes); every change is written to the audit log.
 */
export const policyRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, ctx) => {
  const base = app as unknown as FastifyInstance

  const entry = async (s: StoredPolicy): Promise<PolicyEntry> => {
    let scope: PolicyScope = { kind: 'org' }
    if (s.scope === 'team')
      scope = { kind: 'team', team: (await teamById(ctx.storage, s.scopeId))?.name ?? s.scopeId }
    else if (s.scope === 'device')
      scope = {
        kind: 'device',
        deviceId: s.scopeId,
        hostname: (await deviceById(ctx.storage, s.scopeId))?.hostname ?? null,
      }
    return { ...s.policy, scope, updatedAt: s.updatedAt }
  }

  const record = async (
    request: FastifyRequest,
    action: 'policy-put' | 'policy-delete',
    p: Policy,
    change: string,
  ): Promise<void> => {
    await audit(ctx.storage, {
      actor: request.principal!.name,
      actorKind: request.principal!.kind,
      action,
      target: p.id,
      detail: { change, name: p.name, type: String(p.rule.type), enabled: p.enabled },
      ip: request.ip,
    })
  }

  const existing = async (id: string): Promise<StoredPolicy> => {
    const s = await policyById(ctx.storage, id)
    if (!s) throw new HttpError(404, 'not_found', 'no such policy')
    return s
  }

  app.get('/policies', { ...guard(base, ctx, 'viewer') }, async () => {
    const all = await listPolicies(ctx.storage)
    return { policies: await Promise.all(all.map(entry)) }
  })

  app.post(
    '/policies',
    {
      ...guard(base, ctx, 'admin'),
      schema: {
        body: Type.Object(
          {
            name: Name,
            enabled: Type.Optional(Type.Boolean()),
            severity: Type.Optional(Severity),
            rule: Rule,
            /** At most one: a team by name, or one device; neither is the whole organisation. */
            team: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            deviceId: Type.Optional(Type.String({ pattern: '^dev_[0-9a-f]{20}$' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { team, deviceId } = request.body
      if (team !== undefined && deviceId !== undefined)
        throw new HttpError(400, 'bad_request', 'give a team or a device, not both')
      const policy: Policy = {
        id: newId('pol'),
        name: validName(request.body.name),
        enabled: request.body.enabled ?? true,
        ...(request.body.severity ? { severity: request.body.severity } : {}),
        rule: validRule(request.body.rule),
      }
      let scope: { scope: 'org' | 'team' | 'device'; scopeId: string } = {
        scope: 'org',
        scopeId: ctx.org.id,
      }
      if (team !== undefined) {
        try {
          scope = { scope: 'team', scopeId: (await ensureTeam(ctx.storage, team)).id }
        } catch (e) {
          if (e instanceof TeamNameError) throw new HttpError(400, 'bad_request', e.message)
          throw e
        }
      } else if (deviceId !== undefined) {
        if (!(await deviceById(ctx.storage, deviceId)))
          throw new HttpError(404, 'not_found', 'no such device')
        scope = { scope: 'device', scopeId: deviceId }
      }
      await putPolicy(ctx.storage, { policy, ...scope })
      await record(request, 'policy-put', policy, 'create')
      reply.status(201)
      return { policy: await entry((await policyById(ctx.storage, policy.id))!) }
    },
  )

  app.put(
    '/policies/:id',
    {
      ...guard(base, ctx, 'admin'),
      schema: {
        params: Params,
        body: Type.Object(
          {
            name: Name,
            enabled: Type.Boolean(),
            severity: Type.Optional(Severity),
            rule: Rule,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const s = await existing(request.params.id)
      const policy: Policy = {
        id: s.policy.id,
        name: validName(request.body.name),
        enabled: request.body.enabled,
        ...(request.body.severity ? { severity: request.body.severity } : {}),
        rule: validRule(request.body.rule),
      }
      await putPolicy(ctx.storage, { policy, scope: s.scope, scopeId: s.scopeId })
      await record(request, 'policy-put', policy, 'update')
      return { policy: await entry((await policyById(ctx.storage, policy.id))!) }
    },
  )

  app.post(
    '/policies/:id/enabled',
    {
      ...guard(base, ctx, 'admin'),
      schema: {
        params: Params,
        body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const s = await existing(request.params.id)
      const policy: Policy = { ...s.policy, enabled: request.body.enabled }
      await putPolicy(ctx.storage, { policy, scope: s.scope, scopeId: s.scopeId })
      await record(request, 'policy-put', policy, policy.enabled ? 'enable' : 'disable')
      return { policy: await entry((await policyById(ctx.storage, policy.id))!) }
    },
  )

  app.delete(
    '/policies/:id',
    { ...guard(base, ctx, 'admin'), schema: { params: Params } },
    async (request) => {
      const s = await existing(request.params.id)
      await deletePolicy(ctx.storage, s)
      await record(request, 'policy-delete', s.policy, 'delete')
      return { removed: true }
    },
  )
}
