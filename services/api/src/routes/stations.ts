import {
  callRpc,
  deleteStationCredentialsRpc,
  getStationRpc,
  kickSubject,
  listStationsRpc,
  StationViewSchema,
  upsertStationCredentialsRpc,
  upsertStationRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'

const StationIdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9*\-_=:+|@.]{1,48}$/, 'an OCPP identity: 1-48 of A-Z a-z 0-9 * - _ = : + | @ .')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'CS-0001' }),
})

const StationPutSchema = z
  .object({
    password: z
      .string()
      .min(16)
      .max(40)
      .optional()
      .openapi({ description: 'Basic-auth password (profiles 1 and 2)' }),
    securityProfile: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    siteId: z.string().max(64).nullable().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict()

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export function registerStationRoutes(app: OpenAPIHono, nc: NatsConnection) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}',
      summary: 'A station: connection, boot information and connector statuses',
      request: { params: StationIdParam },
      responses: { 200: json(StationViewSchema, 'The station'), 404: problemResponse('Unknown station') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { station } = await callRpc(nc, getStationRpc, { stationId: id })
      if (!station) return problem(c, 404, `station ${id} is not known`)
      return c.json(station, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations',
      summary: 'Stations, paged by id',
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: z.string().optional(),
          connected: z.enum(['true', 'false']).optional(),
          siteId: z.string().optional(),
        }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(StationViewSchema), next: z.string().nullable() }),
          'A page of stations',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const page = await callRpc(nc, listStationsRpc, {
        limit: q.limit,
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.connected === undefined ? {} : { connected: q.connected === 'true' }),
        ...(q.siteId === undefined ? {} : { siteId: q.siteId }),
      })
      return c.json({ items: page.stations, next: page.next }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/stations/{id}',
      summary: 'Register or update a station (credentials, site, labels)',
      request: {
        params: StationIdParam,
        body: { content: { 'application/json': { schema: StationPutSchema } } },
      },
      responses: {
        200: json(StationViewSchema, 'The station as stored'),
        400: problemResponse('Invalid body'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const body = c.req.valid('json')
      const securityProfile = body.securityProfile ?? (body.password === undefined ? undefined : 1)
      if ((securityProfile === 1 || securityProfile === 2) && body.password === undefined) {
        const current = await callRpc(nc, getStationRpc, { stationId: id })
        if (!current.station?.registered) {
          return problem(c, 400, `security profile ${securityProfile} needs a password`)
        }
      }
      await callRpc(nc, upsertStationCredentialsRpc, {
        stationId: id,
        ...(body.password === undefined ? {} : { password: body.password }),
        ...(securityProfile === undefined ? {} : { securityProfile }),
      })
      const { station } = await callRpc(nc, upsertStationRpc, {
        stationId: id,
        ...(body.siteId === undefined ? {} : { siteId: body.siteId }),
        ...(body.labels === undefined ? {} : { labels: body.labels }),
      })
      return c.json(station, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/stations/{id}',
      summary: 'Deregister a station: its credentials are removed and its socket closed',
      request: { params: StationIdParam },
      responses: { 204: { description: 'Deregistered' } },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      await callRpc(nc, deleteStationCredentialsRpc, { stationId: id })
      // A kick "newer" than any socket closes the station's socket on whichever pod holds it.
      nc.publish(
        kickSubject(id),
        JSON.stringify({ stationId: id, connectionId: 'deregistered', openedAt: Number.MAX_SAFE_INTEGER }),
      )
      return c.body(null, 204)
    },
  )
}
