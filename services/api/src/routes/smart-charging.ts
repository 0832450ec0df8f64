import {
  type AppError,
  CompositeCheckSchema,
  callRpc,
  checkCompositeScheduleRpc,
  clearChargingProfileRpc,
  DailyWindowSchema,
  deleteNodeRpc,
  deletePriorityRuleRpc,
  ExternalLimitViewSchema,
  getSiteRpc,
  isAppError,
  listChargingProfilesRpc,
  listExternalLimitsRpc,
  listPriorityRulesRpc,
  listSitesRpc,
  NodeInputSchema,
  NodeViewSchema,
  PriorityRuleSchema,
  type ProfileOperationResult,
  requestProfileReportRpc,
  SiteViewSchema,
  StationPlacementSchema,
  StoredProfileViewSchema,
  setChargingProfileRpc,
  setLimitRpc,
  setStationPlacementRpc,
  upsertNodeRpc,
  upsertPriorityRuleRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'

// Smart charging for operators: sites with a grid limit (and groups inside them), the limit
// changes a DSO signals, priorities and charging windows, each EVSE's allocation and measured
// power, and the charging-profile operations of OCPP K01-K10 with the spec's rules enforced.

const Id = (name: string, example: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9*\-_=:+|@.]{1,64}$/, 'letters, digits and * - _ = : + | @ .')
    .openapi({ param: { name, in: 'path' }, example })
const SiteParam = z.object({ siteId: Id('siteId', 'depot-north') })
const GroupParam = SiteParam.extend({ groupId: Id('groupId', 'hall-a') })
const StationParam = z.object({ id: Id('id', 'CS-0001') })
const RuleParam = z.object({ ruleId: Id('ruleId', 'fleet-night') })

const LimitBodySchema = z
  .object({
    limitW: z.number().min(0).max(1e9).nullable().optional(),
    limitA: z.number().min(0).max(1e6).nullable().optional(),
    effectiveAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Default: now' }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Default: until replaced' }),
    source: z.string().max(64).optional().openapi({ example: 'DSO' }),
  })
  .strict()
  .refine((b) => b.limitW !== undefined || b.limitA !== undefined, 'give limitW or limitA')

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } })

type Ctx = Parameters<typeof problem>[0]

function failure(c: Ctx, error: unknown): never {
  if (!isAppError(error)) throw error
  const e = error as AppError
  switch (e.code) {
    case 'not_found':
    case 'station_offline':
      return problem(c, 404, e.message)
    case 'invalid_input':
      return problem(c, 400, e.message)
    case 'conflict':
      return problem(c, 409, e.message)
    case 'timeout':
      return problem(c, 504, e.message)
    default:
      throw error
  }
}

function operationResult(c: Ctx, r: ProfileOperationResult) {
  if (r.outcome === 'answered') return c.json(r.response, 200)
  return refused(c, r)
}

/** A rule broken (400, each error naming its requirement) or a CALLERROR (502). */
function refused(c: Ctx, r: Exclude<ProfileOperationResult, { outcome: 'answered' }>): never {
  if (r.outcome === 'invalid') {
    return problem(c, 400, r.violations.map((v) => `${v.rule}: ${v.message}`).join('; '), {
      errors: r.violations.map((v) => ({ path: v.rule, message: v.message })),
    })
  }
  return problem(c, 502, `station answered CALLERROR ${r.code}: ${r.description}`, { ocppErrorCode: r.code })
}

export function registerSmartChargingRoutes(app: OpenAPIHono, nc: NatsConnection) {
  const call = async <T, R>(c: Ctx, fn: () => Promise<T>, ok: (value: T) => R): Promise<R> => {
    let value: T
    try {
      value = await fn()
    } catch (error) {
      return failure(c, error)
    }
    return ok(value)
  }
  // Group routes act only on the groups of the site their path names (never on another site's
  // group, or on a site through its group id).
  const siteOf = async (siteId: string) => (await callRpc(nc, getSiteRpc, { siteId })).site
  const hasGroup = async (siteId: string, groupId: string) =>
    (await siteOf(siteId))?.groups.some((g) => g.id === groupId) ?? false

  // ----- sites and groups -----

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/sites',
      summary: 'Sites with their grid limit, allocated and measured power',
      responses: { 200: json(z.object({ items: z.array(NodeViewSchema) }), 'The sites') },
    }),
    async (c) => c.json({ items: (await callRpc(nc, listSitesRpc, {})).sites }, 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/sites/{siteId}',
      summary: 'Create or update a site: its grid connection limit, time-of-use limits, EVSE defaults',
      request: { params: SiteParam, body: body(NodeInputSchema.omit({ parentId: true }).strict()) },
      responses: {
        200: json(NodeViewSchema, 'The site as stored'),
        400: problemResponse('Invalid body'),
        409: problemResponse('The id is a group'),
      },
    }),
    async (c) => {
      const { siteId } = c.req.valid('param')
      const node = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, upsertNodeRpc, { id: siteId, kind: 'site', node }),
        (r) => c.json(r.node, 200),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/sites/{siteId}',
      summary: "A site: limits in force, groups, and every active EVSE's allocation and measured power",
      request: { params: SiteParam },
      responses: { 200: json(SiteViewSchema, 'The site'), 404: problemResponse('Unknown site') },
    }),
    async (c) => {
      const { siteId } = c.req.valid('param')
      const { site } = await callRpc(nc, getSiteRpc, { siteId })
      if (!site) return problem(c, 404, `site ${siteId} is not known`)
      return c.json(site, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/sites/{siteId}',
      summary: 'Delete a site and its groups: its EVSEs are no longer balanced',
      request: { params: SiteParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('Unknown site') },
    }),
    async (c) => {
      const { siteId } = c.req.valid('param')
      const { deleted } = await callRpc(nc, deleteNodeRpc, { id: siteId })
      if (!deleted) return problem(c, 404, `site ${siteId} is not known`)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/sites/{siteId}/limit',
      summary: 'Change the grid limit now or from a time (a DSO signal); every EVSE is recomputed',
      request: { params: SiteParam, body: body(LimitBodySchema) },
      responses: {
        200: json(
          z.object({ node: NodeViewSchema, recomputedAt: z.string().nullable() }),
          'The site with its new limit',
        ),
        400: problemResponse('Invalid body'),
        404: problemResponse('Unknown site'),
      },
    }),
    async (c) => {
      const { siteId } = c.req.valid('param')
      const b = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, setLimitRpc, { nodeId: siteId, ...b }),
        (r) => c.json(r, 200),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/sites/{siteId}/groups/{groupId}',
      summary: 'Create or update a group inside a site (its parent: the site or another group)',
      request: { params: GroupParam, body: body(NodeInputSchema.omit({ txDefaultLimit: true }).strict()) },
      responses: {
        200: json(NodeViewSchema, 'The group as stored'),
        400: problemResponse('Invalid body or a loop in the tree'),
        404: problemResponse('Unknown site, or a parent that is not a group of this site'),
        409: problemResponse('The id is a site'),
      },
    }),
    async (c) => {
      const { siteId, groupId } = c.req.valid('param')
      const node = c.req.valid('json')
      const parentId = node.parentId ?? siteId
      // Checked before the write: the service files a group under its parent's site, whatever
      // site the path names.
      const site = await siteOf(siteId)
      if (!site) return problem(c, 404, `site ${siteId} is not known`)
      if (parentId !== siteId && !site.groups.some((g) => g.id === parentId)) {
        return problem(c, 404, `site ${siteId} has no group ${parentId}`)
      }
      return call(
        c,
        () => callRpc(nc, upsertNodeRpc, { id: groupId, kind: 'group', node: { ...node, parentId } }),
        (r) => c.json(r.node, 200),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/sites/{siteId}/groups/{groupId}/limit',
      summary: "Change a group's limit now or from a time",
      request: { params: GroupParam, body: body(LimitBodySchema) },
      responses: {
        200: json(
          z.object({ node: NodeViewSchema, recomputedAt: z.string().nullable() }),
          'The group with its new limit',
        ),
        400: problemResponse('Invalid body'),
        404: problemResponse('This site has no such group'),
      },
    }),
    async (c) => {
      const { siteId, groupId } = c.req.valid('param')
      const b = c.req.valid('json')
      if (!(await hasGroup(siteId, groupId))) return problem(c, 404, `site ${siteId} has no group ${groupId}`)
      return call(
        c,
        () => callRpc(nc, setLimitRpc, { nodeId: groupId, ...b }),
        (r) => c.json(r, 200),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/sites/{siteId}/groups/{groupId}',
      summary: 'Delete a group and the groups inside it',
      request: { params: GroupParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('This site has no such group') },
    }),
    async (c) => {
      const { siteId, groupId } = c.req.valid('param')
      if (!(await hasGroup(siteId, groupId))) return problem(c, 404, `site ${siteId} has no group ${groupId}`)
      const { deleted } = await callRpc(nc, deleteNodeRpc, { id: groupId })
      if (!deleted) return problem(c, 404, `group ${groupId} is not known`)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/smart-charging/stations/{id}',
      summary: "Place a station's EVSEs in a group, or describe them (AC/DC, phases, maxima)",
      request: { params: StationParam, body: body(StationPlacementSchema.strict()) },
      responses: {
        200: json(
          z.object({ stationId: z.string(), placement: StationPlacementSchema }),
          'The placement as stored',
        ),
        404: problemResponse('Unknown group'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const placement = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, setStationPlacementRpc, { stationId: id, placement }),
        (r) => c.json(r, 200),
      )
    },
  )

  // ----- priorities and charging windows -----

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/smart-charging/priorities',
      summary: 'Priority rules (by idToken, token group or station) with their charging windows',
      responses: { 200: json(z.object({ items: z.array(PriorityRuleSchema) }), 'The rules') },
    }),
    async (c) => c.json({ items: (await callRpc(nc, listPriorityRulesRpc, {})).rules }, 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/smart-charging/priorities/{ruleId}',
      summary: 'Create or update a priority rule; every site is recomputed',
      request: {
        params: RuleParam,
        body: body(
          z
            .object({
              match: PriorityRuleSchema.shape.match,
              value: PriorityRuleSchema.shape.value,
              priority: PriorityRuleSchema.shape.priority,
              windows: z.array(DailyWindowSchema).max(14).optional(),
            })
            .strict(),
        ),
      },
      responses: { 200: json(PriorityRuleSchema, 'The rule'), 400: problemResponse('Invalid body') },
    }),
    async (c) => {
      const { ruleId } = c.req.valid('param')
      const rule = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, upsertPriorityRuleRpc, { id: ruleId, ...rule }),
        (r) => c.json(r.rule, 200),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/smart-charging/priorities/{ruleId}',
      summary: 'Delete a priority rule',
      request: { params: RuleParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('Unknown rule') },
    }),
    async (c) => {
      const { ruleId } = c.req.valid('param')
      const { deleted } = await callRpc(nc, deletePriorityRuleRpc, { id: ruleId })
      if (!deleted) return problem(c, 404, `rule ${ruleId} is not known`)
      return c.body(null, 204)
    },
  )

  // ----- charging profiles (K01, K08-K10) and external limits (K11-K13) -----

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/charging-profiles',
      summary: 'Charging profiles sent to the station and its answers, or what it reported (source=reported)',
      request: {
        params: StationParam,
        query: z.object({
          source: z.enum(['stored', 'reported']).default('stored'),
          requestId: z.coerce.number().int().optional(),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(StoredProfileViewSchema) }), 'The profiles') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      const { profiles } = await callRpc(nc, listChargingProfilesRpc, {
        stationId: id,
        source: q.source,
        ...(q.requestId === undefined ? {} : { requestId: q.requestId }),
      })
      return c.json({ items: profiles }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/charging-profiles',
      summary: 'SetChargingProfile, checked against the K01 rules before it is sent',
      request: {
        params: StationParam,
        body: body(
          z
            .object({ evseId: z.number().int().min(0), chargingProfile: z.record(z.string(), z.unknown()) })
            .strict(),
        ),
      },
      responses: {
        200: json(z.record(z.string(), z.unknown()), "The station's SetChargingProfileResponse"),
        400: problemResponse('A rule is broken: each error names its requirement (e.g. K01.FR.03)'),
        404: problemResponse('The station is not connected'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const b = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, setChargingProfileRpc, { stationId: id, ...b }, { timeoutMs: 35_000 }),
        (r) => operationResult(c, r),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/stations/{id}/charging-profiles',
      summary: 'ClearChargingProfile by id or by criteria (K10)',
      request: {
        params: StationParam,
        query: z.object({
          chargingProfileId: z.coerce.number().int().optional(),
          evseId: z.coerce.number().int().min(0).optional(),
          purpose: z.string().optional(),
          stackLevel: z.coerce.number().int().min(0).optional(),
        }),
      },
      responses: {
        200: json(z.record(z.string(), z.unknown()), "The station's ClearChargingProfileResponse"),
        400: problemResponse(
          'Neither an id nor a criterion, or an external constraint (K10.FR.02, K10.FR.06)',
        ),
        404: problemResponse('The station is not connected'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      const criteria = Object.fromEntries(
        Object.entries({
          evseId: q.evseId,
          chargingProfilePurpose: q.purpose,
          stackLevel: q.stackLevel,
        }).filter(([, v]) => v !== undefined),
      )
      return call(
        c,
        () =>
          callRpc(
            nc,
            clearChargingProfileRpc,
            {
              stationId: id,
              ...(q.chargingProfileId === undefined ? {} : { chargingProfileId: q.chargingProfileId }),
              ...(Object.keys(criteria).length === 0 ? {} : { chargingProfileCriteria: criteria }),
            },
            { timeoutMs: 35_000 },
          ),
        (r) => operationResult(c, r),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/charging-profiles/report',
      summary: 'GetChargingProfiles (K09): the station reports under the returned requestId',
      request: {
        params: StationParam,
        body: body(
          z
            .object({
              evseId: z.number().int().min(0).optional(),
              criteria: z.record(z.string(), z.unknown()).default({}),
            })
            .strict(),
        ),
      },
      responses: {
        200: json(
          z.object({ requestId: z.number().int(), response: z.record(z.string(), z.unknown()) }),
          'The request id and the answer',
        ),
        400: problemResponse('Invalid criteria (K09.FR.03)'),
        404: problemResponse('The station is not connected'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const b = c.req.valid('json')
      return call(
        c,
        () => callRpc(nc, requestProfileReportRpc, { stationId: id, ...b }, { timeoutMs: 35_000 }),
        (r) =>
          r.outcome === 'answered'
            ? c.json({ requestId: r.requestId, response: r.response }, 200)
            : refused(c, r),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/composite-schedule',
      summary:
        'GetCompositeSchedule (K08) sent now, compared with the schedule computed from the stored profiles',
      request: {
        params: StationParam,
        body: body(
          z
            .object({
              evseId: z.number().int().min(0),
              duration: z.number().int().min(1).max(604_800).default(3_600),
              unit: z.enum(['A', 'W']).optional(),
            })
            .strict(),
        ),
      },
      responses: {
        200: json(CompositeCheckSchema, 'Reported, expected, and where they differ'),
        404: problemResponse('The station is not connected'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('json')
      return call(
        c,
        () =>
          callRpc(
            nc,
            checkCompositeScheduleRpc,
            {
              stationId: id,
              evseId: q.evseId,
              durationS: q.duration,
              ...(q.unit === undefined ? {} : { chargingRateUnit: q.unit }),
            },
            { timeoutMs: 35_000 },
          ),
        (r) =>
          r.outcome === 'checked'
            ? c.json(r.check, 200)
            : problem(c, 502, `station answered CALLERROR ${r.code}: ${r.description}`, {
                ocppErrorCode: r.code,
              }),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/charging-limits',
      summary: 'External charging limits the station reported (NotifyChargingLimit, ClearedChargingLimit)',
      request: { params: StationParam },
      responses: {
        200: json(z.object({ items: z.array(ExternalLimitViewSchema) }), 'The limits, cleared ones included'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      return c.json({ items: (await callRpc(nc, listExternalLimitsRpc, { stationId: id })).limits }, 200)
    },
  )
}
