import {
  callRpc,
  DeviceEventViewSchema,
  DisplayMessageViewSchema,
  listDeviceEventsRpc,
  listDisplayMessagesRpc,
  listMonitorsRpc,
  listSecurityEventsRpc,
  MonitorViewSchema,
  SecurityEventViewSchema,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problemResponse } from '../http/problem.js'
import { defined, json, PageQuery, rpcProblem, StationParam } from './device-params.js'

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() })

/**
 * What stations hold and tell (N02-N08, A04, O01-O06): the monitors set through /commands
 * (SetVariableMonitoring, SetMonitoringBase, SetMonitoringLevel) or reported, the events of
 * NotifyEvent (also on /v1/events as device.event), security events and display messages.
 */
export function registerMonitoringRoutes(app: OpenAPIHono, nc: NatsConnection) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/monitors',
      summary: 'Variable monitors the station holds, with its monitoring base and level',
      request: { params: StationParam },
      responses: {
        200: json(
          z.object({
            items: z.array(MonitorViewSchema),
            monitoringBase: z.string().nullable(),
            monitoringLevel: z.number().int().nullable(),
          }),
          'The monitors',
        ),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const r = await callRpc(nc, listMonitorsRpc, { stationId: id })
      return c.json(
        { items: r.monitors, monitoringBase: r.monitoringBase, monitoringLevel: r.monitoringLevel },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/device-events',
      summary: 'Events the station notified (NotifyEvent), newest first',
      request: { params: StationParam, query: z.object(PageQuery) },
      responses: {
        200: json(page(DeviceEventViewSchema), 'A page of events'),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const r = await callRpc(nc, listDeviceEventsRpc, defined({ stationId: id, ...c.req.valid('query') }))
        return c.json({ items: r.events, next: r.next }, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/security-events',
      summary: 'Security events the station notified, newest first',
      request: { params: StationParam, query: z.object(PageQuery) },
      responses: {
        200: json(page(SecurityEventViewSchema), 'A page of security events'),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const r = await callRpc(
          nc,
          listSecurityEventsRpc,
          defined({ stationId: id, ...c.req.valid('query') }),
        )
        return c.json({ items: r.events, next: r.next }, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/display-messages',
      summary: 'Display messages the station holds (set through /commands, or reported)',
      request: { params: StationParam },
      responses: { 200: json(z.object({ items: z.array(DisplayMessageViewSchema) }), 'The messages') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const r = await callRpc(nc, listDisplayMessagesRpc, { stationId: id })
      return c.json({ items: r.messages }, 200)
    },
  )
}
