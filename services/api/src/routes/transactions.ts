import {
  type AppError,
  callRpc,
  getTransactionRpc,
  isAppError,
  listReservationsRpc,
  listTariffsRpc,
  listTransactionsRpc,
  ReservationViewSchema,
  StartTransactionRequestSchema,
  startTransactionRpc,
  stopTransactionRpc,
  TariffSchema,
  TransactionDetailSchema,
  TransactionViewSchema,
  upsertTariffRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'
import { invalidInput } from '../http/rule-violations.js'

// Sessions as the transaction service keeps them (served over NATS, never its tables), remote
// start and stop, tariffs and reservations.

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: "The session's id, or the station's transactionId (add stationId when ambiguous)",
      example: '1042',
    }),
})
const StationQuery = z.object({ stationId: z.string().min(1).max(48).optional() })
const Instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date-time')

const ListQuery = z.object({
  stationId: z.string().min(1).max(48).optional(),
  state: z.enum(['active', 'ended']).optional(),
  from: Instant.optional().openapi({ description: 'Sessions that started at or after this instant' }),
  to: Instant.optional().openapi({ description: 'Sessions that started before this instant' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().openapi({ description: '`next` of the previous page' }),
})

const StartBody = StartTransactionRequestSchema.omit({ timeoutMs: true }).strict()
const StartResponse = z.object({
  remoteStartId: z.number().int().nullable(),
  status: z.string(),
  transactionId: z.string().nullable(),
  stationResponse: z.unknown(),
})
const StopResponse = z.object({
  status: z.string(),
  stationId: z.string(),
  transactionId: z.string(),
  stationResponse: z.unknown(),
})
const TariffBody = TariffSchema.omit({ id: true })
  .extend({ scopeKey: z.string().max(255).default('') })
  .strict()

export function registerTransactionRoutes(app: OpenAPIHono, nc: NatsConnection, commandTimeoutMs: number) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/transactions',
      summary: 'Charging sessions, newest first, paged with a cursor',
      request: { query: ListQuery },
      responses: {
        200: json(
          z.object({ items: z.array(TransactionViewSchema), next: z.string().nullable() }),
          'A page of sessions',
        ),
        400: problemResponse('Invalid filter or cursor'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      try {
        const page = await callRpc(nc, listTransactionsRpc, {
          limit: q.limit,
          ...(q.stationId === undefined ? {} : { stationId: q.stationId }),
          ...(q.state === undefined ? {} : { state: q.state }),
          ...(q.from === undefined ? {} : { from: q.from }),
          ...(q.to === undefined ? {} : { to: q.to }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        })
        return c.json({ items: page.transactions, next: page.next }, 200)
      } catch (error) {
        if (isAppError(error) && error.code === 'invalid_input') return problem(c, 400, error.message)
        throw error
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/transactions/{id}',
      summary: 'One session with its meter values',
      request: {
        params: IdParam,
        query: StationQuery.extend({
          meterValuesLimit: z.coerce.number().int().min(0).max(100_000).optional(),
        }),
      },
      responses: {
        200: json(TransactionDetailSchema, 'The session'),
        404: problemResponse('Unknown session'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const q = c.req.valid('query')
      const { transaction } = await callRpc(nc, getTransactionRpc, {
        id,
        ...(q.stationId === undefined ? {} : { stationId: q.stationId }),
        ...(q.meterValuesLimit === undefined ? {} : { meterValuesLimit: q.meterValuesLimit }),
      })
      if (!transaction) return problem(c, 404, `no transaction ${id}`)
      return c.json(transaction, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transactions',
      summary: 'Start a session remotely (RequestStartTransaction; 1.6: RemoteStartTransaction)',
      description:
        'The CSMS picks the remoteStartId; the TransactionEvent that follows names it and is linked to this request.',
      request: { body: { content: { 'application/json': { schema: StartBody } } } },
      responses: {
        200: json(StartResponse, "The station's answer"),
        400: problemResponse('Invalid body'),
        404: problemResponse('The station is not connected'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      try {
        const started = await callRpc(
          nc,
          startTransactionRpc,
          { ...body, timeoutMs: commandTimeoutMs },
          { timeoutMs: commandTimeoutMs + 2_000 },
        )
        return c.json(started, 200)
      } catch (error) {
        if (isAppError(error)) return failure(c, error)
        throw error
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/transactions/{id}/stop',
      summary: 'Stop a session remotely (RequestStopTransaction; 1.6: RemoteStopTransaction)',
      request: { params: IdParam, query: StationQuery },
      responses: {
        200: json(StopResponse, "The station's answer"),
        404: problemResponse('Unknown session, or the station is not connected'),
        409: problemResponse('The session already ended'),
        502: problemResponse('The station answered with a CALLERROR'),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { stationId } = c.req.valid('query')
      try {
        const stopped = await callRpc(
          nc,
          stopTransactionRpc,
          { id, timeoutMs: commandTimeoutMs, ...(stationId === undefined ? {} : { stationId }) },
          { timeoutMs: commandTimeoutMs + 2_000 },
        )
        return c.json(stopped, 200)
      } catch (error) {
        if (isAppError(error)) return failure(c, error)
        throw error
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/tariffs/{id}',
      summary: 'Create or replace a tariff: per kWh and per minute, for a token group, a site or by default',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        body: { content: { 'application/json': { schema: TariffBody } } },
      },
      responses: { 200: json(TariffSchema, 'The tariff as stored'), 400: problemResponse('Invalid body') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { tariff } = await callRpc(nc, upsertTariffRpc, { id, ...c.req.valid('json') })
      return c.json(tariff, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/tariffs',
      summary: 'Every tariff',
      responses: { 200: json(z.object({ items: z.array(TariffSchema) }), 'The tariffs') },
    }),
    async (c) => c.json({ items: (await callRpc(nc, listTariffsRpc, {})).tariffs }, 200),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reservations',
      summary: "A station's reservations (made with the ReserveNow command)",
      request: {
        query: z.object({ stationId: z.string().min(1).max(48), status: z.string().max(20).optional() }),
      },
      responses: { 200: json(z.object({ items: z.array(ReservationViewSchema) }), 'The reservations') },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { reservations } = await callRpc(nc, listReservationsRpc, {
        stationId: q.stationId,
        ...(q.status === undefined ? {} : { status: q.status }),
      })
      return c.json({ items: reservations }, 200)
    },
  )
}

function failure(c: Parameters<typeof problem>[0], error: AppError) {
  switch (error.code) {
    case 'invalid_input':
      return invalidInput(c, error)
    case 'not_found':
    case 'station_offline':
      return problem(c, 404, error.message)
    case 'conflict':
      return problem(c, 409, error.message)
    case 'station_error': {
      const details = error.details as { code?: string; details?: unknown } | undefined
      return problem(c, 502, error.message, {
        ...(details?.code === undefined ? {} : { ocppErrorCode: details.code }),
        ...(details?.details === undefined ? {} : { ocppErrorDetails: details.details }),
      })
    }
    case 'timeout':
      return problem(c, 504, error.message)
    default:
      return problem(c, 503, error.message)
  }
}
