import {
  CAMPAIGN_STATUSES,
  CampaignTargetViewSchema,
  CampaignViewSchema,
  CreateCampaignSchema,
  callRpc,
  controlCampaignRpc,
  createCampaignRpc,
  getCampaignRpc,
  listCampaignsRpc,
  listCampaignTargetsRpc,
  TARGET_STATES,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'
import { body, defined, IdParam, json, PageQuery, rpcProblem } from './device-params.js'

const ActionParam = IdParam.extend({
  action: z
    .enum(['pause', 'resume', 'cancel'])
    .openapi({ param: { name: 'action', in: 'path' }, example: 'resume' }),
})

/**
 * Fleet campaigns: one call starts a firmware update or a configuration change (SetVariables;
 * 1.6 ChangeConfiguration) on the registered stations a selector picks (ids, site, labels,
 * model, vendor), `concurrency` at a time; the campaign pauses once `failureThreshold` stations
 * failed. Progress: GET the campaign (counts per state) or its targets; facts on /v1/events
 * (device.campaign, device.job).
 */
export function registerCampaignRoutes(app: OpenAPIHono, nc: NatsConnection) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/campaigns',
      summary: 'Start a firmware or configuration campaign over a set of stations',
      request: { body: body(CreateCampaignSchema) },
      responses: {
        201: json(CampaignViewSchema, 'The campaign, already running'),
        400: problemResponse('Invalid body'),
      },
    }),
    async (c) => {
      try {
        const { campaign } = await callRpc(nc, createCampaignRpc, c.req.valid('json'), { timeoutMs: 30_000 })
        return c.json(campaign, 201)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/campaigns',
      summary: 'Campaigns, newest first',
      request: { query: z.object({ status: z.enum(CAMPAIGN_STATUSES).optional(), ...PageQuery }) },
      responses: {
        200: json(
          z.object({ items: z.array(CampaignViewSchema), next: z.string().nullable() }),
          'A page of campaigns',
        ),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      try {
        const r = await callRpc(nc, listCampaignsRpc, defined(c.req.valid('query')))
        return c.json({ items: r.campaigns, next: r.next }, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/campaigns/{id}',
      summary: 'A campaign and its progress (stations per state)',
      request: { params: IdParam },
      responses: { 200: json(CampaignViewSchema, 'The campaign'), 404: problemResponse('Unknown campaign') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { campaign } = await callRpc(nc, getCampaignRpc, { id })
      if (!campaign) return problem(c, 404, `campaign ${id} is not known`)
      return c.json(campaign, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/campaigns/{id}/targets',
      summary: "The campaign's stations, by station id",
      request: {
        params: IdParam,
        query: z.object({ state: z.enum(TARGET_STATES).optional(), ...PageQuery }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(CampaignTargetViewSchema), next: z.string().nullable() }),
          'A page of stations',
        ),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const r = await callRpc(nc, listCampaignTargetsRpc, defined({ id, ...c.req.valid('query') }))
      return c.json({ items: r.targets, next: r.next }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/campaigns/{id}/{action}',
      summary: 'Pause, resume or cancel a campaign',
      description:
        'resume may raise the failure threshold; failures so far stay counted. cancel ends the campaign: ' +
        'stations not started are cancelled, those running finish.',
      request: {
        params: ActionParam,
        body: {
          content: {
            'application/json': {
              schema: z.object({ failureThreshold: z.number().int().min(1).optional() }).strict(),
            },
          },
        },
      },
      responses: {
        200: json(CampaignViewSchema, 'The campaign'),
        404: problemResponse('Unknown campaign'),
        409: problemResponse('The campaign is not in a state for this'),
      },
    }),
    async (c) => {
      const { id, action } = c.req.valid('param')
      const input = c.req.valid('json') ?? {}
      try {
        const { campaign } = await callRpc(
          nc,
          controlCampaignRpc,
          defined({ id, action, failureThreshold: input.failureThreshold }),
        )
        return c.json(campaign, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )
}
