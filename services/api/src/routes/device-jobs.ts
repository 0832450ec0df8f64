import {
  callRpc,
  FirmwareSchema,
  getJobRpc,
  JOB_KINDS,
  JOB_OUTCOMES,
  JobSummarySchema,
  JobViewSchema,
  LOG_TYPES,
  listJobsRpc,
  startFirmwareUpdateRpc,
  startLogUploadRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'
import { body, defined, IdParam, json, PageQuery, rpcProblem, StationParam } from './device-params.js'

const retry = {
  retries: z.number().int().min(0).optional(),
  retryInterval: z.number().int().min(0).optional(),
}
const FirmwareBody = z.object({ firmware: FirmwareSchema, ...retry }).strict()
const LogBody = z
  .object({
    logType: z.enum(LOG_TYPES),
    remoteLocation: z
      .string()
      .min(1)
      .max(512)
      .openapi({ description: 'Where the station uploads; passed as given' }),
    oldestTimestamp: z.string().optional(),
    latestTimestamp: z.string().optional(),
    ...retry,
  })
  .strict()
const CALL_WAIT_MS = 30_000

/**
 * Jobs the station reports on later (L01-L03, N01, B07, N09): firmware updates and log uploads
 * started here with a CSMS-picked requestId, and every job of a station, however it was
 * started (here, through /commands, by a campaign), with its status history. Firmware and log
 * locations are passed to the station as given: the CSMS never fetches them.
 */
export function registerDeviceJobRoutes(app: OpenAPIHono, nc: NatsConnection) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/firmware-updates',
      summary: 'Update the firmware of one station (UpdateFirmware; signed when signature fields are given)',
      description:
        'Returns the job whatever the station answered: a refusal, an offline station or no answer ends it failed.',
      request: { params: StationParam, body: body(FirmwareBody) },
      responses: {
        201: json(JobViewSchema, 'The firmware job'),
        400: problemResponse('Invalid body'),
        404: problemResponse('Unknown station, or never connected'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { firmware, ...rest } = c.req.valid('json')
      try {
        const { job } = await callRpc(
          nc,
          startFirmwareUpdateRpc,
          { stationId: id, firmware: defined(firmware), ...defined(rest), timeoutMs: CALL_WAIT_MS },
          { timeoutMs: CALL_WAIT_MS + 5_000 },
        )
        return c.json(job, 201)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/log-uploads',
      summary: 'Have the station upload a log (GetLog; 1.6 GetDiagnostics for its diagnostics log)',
      request: { params: StationParam, body: body(LogBody) },
      responses: {
        201: json(JobViewSchema, 'The log job'),
        400: problemResponse('Invalid body'),
        404: problemResponse('Unknown station, or never connected'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const { job } = await callRpc(
          nc,
          startLogUploadRpc,
          { stationId: id, ...defined(c.req.valid('json')), timeoutMs: CALL_WAIT_MS },
          { timeoutMs: CALL_WAIT_MS + 5_000 },
        )
        return c.json(job, 201)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/jobs',
      summary: "The station's jobs, newest first",
      request: {
        params: StationParam,
        query: z.object({
          kind: z.enum(JOB_KINDS).optional(),
          outcome: z.enum(JOB_OUTCOMES).optional(),
          ...PageQuery,
        }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(JobSummarySchema), next: z.string().nullable() }),
          'A page of jobs',
        ),
        400: problemResponse('Invalid query'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      try {
        const r = await callRpc(nc, listJobsRpc, defined({ stationId: id, ...c.req.valid('query') }))
        return c.json({ items: r.jobs, next: r.next }, 200)
      } catch (error) {
        return rpcProblem(c, error)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/jobs/{id}',
      summary: 'A job with its status history',
      request: { params: IdParam },
      responses: { 200: json(JobViewSchema, 'The job'), 404: problemResponse('Unknown job') },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { job } = await callRpc(nc, getJobRpc, { id })
      if (!job) return problem(c, 404, `job ${id} is not known`)
      return c.json(job, 200)
    },
  )
}
