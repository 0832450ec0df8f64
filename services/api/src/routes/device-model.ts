import {
  callRpc,
  DeviceVariableViewSchema,
  JobViewSchema,
  listDeviceVariablesRpc,
  REGISTRATION_STATUSES,
  REPORT_BASES,
  requestReportRpc,
  StationViewSchema,
  setRegistrationRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problemResponse } from '../http/problem.js'
import { body, defined, json, PageQuery, rpcProblem, StationParam } from './device-params.js'

const ReportBody = z
  .object({
    reportBase: z
      .enum(REPORT_BASES)
      .optional()
      .openapi({ description: 'GetBaseReport (default FullInventory)' }),
    componentVariable: z
      .array(
        z.object({
          component: z.object({
            name: z.string(),
            instance: z.string().optional(),
            evse: z.object({ id: z.number().int(), connectorId: z.number().int().optional() }).optional(),
          }),
          variable: z.object({ name: z.string(), instance: z.string().optional() }).optional(),
        }),
      )
      .min(1)
      .optional()
      .openapi({ description: 'GetReport of these components (and variables)' }),
    componentCriteria: z
      .array(z.enum(['Active', 'Available', 'Enabled', 'Problem']))
      .min(1)
      .optional(),
  })
  .strict()

/**
 * The device model of each station (B05-B08): the variables, attributes and characteristics it
 * reported (GetBaseReport / GetReport → NotifyReport) and what Get/SetVariables sent through
 * `/commands` last learnt; and its registration status (B02, B03).
 */
export function registerDeviceModelRoutes(app: OpenAPIHono, nc: NatsConnection) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/variables',
      summary: "The station's stored device model, paged",
      request: {
        params: StationParam,
        query: z.object({
          component: z.string().optional(),
          variable: z.string().optional(),
          evseId: z.coerce.number().int().optional(),
          ...PageQuery,
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(DeviceVariableViewSchema),
            next: z.string().nullable(),
            total: z.number().int(),
          }),
          'A page of component variables with their attributes',
        ),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      try {
        const page = await callRpc(nc, listDeviceVariablesRpc, defined({ stationId: id, ...q }))
        return c.json({ items: page.variables, next: page.next, total: page.total }, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/reports',
      summary: 'Ask the station for a report of its device model (GetBaseReport / GetReport)',
      description:
        'The CSMS picks the requestId and tracks the report as a job; its NotifyReport parts are stored as they arrive.',
      request: { params: StationParam, body: body(ReportBody) },
      responses: {
        201: json(JobViewSchema, 'The report job, with what the station answered'),
        400: problemResponse('Invalid body, or a 1.6 station'),
        404: problemResponse('Unknown station'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const { job } = await callRpc(
          nc,
          requestReportRpc,
          { stationId: id, ...c.req.valid('json') },
          { timeoutMs: 35_000 },
        )
        return c.json(job, 201)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/stations/{id}/registration',
      summary: 'How BootNotification is answered for this station (Accepted, Pending, Rejected)',
      description:
        'null returns the station to the default (registered: Accepted; otherwise the unknown-station policy). ' +
        'A station that was Pending is sent TriggerMessage BootNotification when its status changes, unless triggerBoot is false: triggerStatus is its answer, or StationOffline / NoResponse.',
      request: {
        params: StationParam,
        body: body(
          z
            .object({ status: z.enum(REGISTRATION_STATUSES).nullable(), triggerBoot: z.boolean().optional() })
            .strict(),
        ),
      },
      responses: {
        200: json(
          z.object({ station: StationViewSchema, triggerStatus: z.string().nullable() }),
          'The station, and the outcome of TriggerMessage when one was sent (null when none was)',
        ),
        400: problemResponse('Invalid body'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const result = await callRpc(
          nc,
          setRegistrationRpc,
          { stationId: id, ...defined(c.req.valid('json')) },
          { timeoutMs: 35_000 },
        )
        return c.json(result, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )
}
