import { type AppError, callRpc, commandRpc, getStationRpc, isAppError, ownerOf } from '@csms/bus'
import { actionInfo, type OcppVersion, validateRequest, versionOfSubprotocol } from '@csms/ocpp'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import { problem, problemResponse } from '../http/problem.js'
import { invalidInput } from '../http/rule-violations.js'

const Params = z.object({
  id: z
    .string()
    .min(1)
    .max(48)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'CS-0001' }),
  action: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/)
    .openapi({ param: { name: 'action', in: 'path' }, example: 'GetVariables' }),
})

/**
 * POST /v1/stations/{id}/commands/{Action}: the body is the OCPP request payload, checked
 * against the station's protocol version, handed to the service that owns the action, which
 * sends it and records the answer; the station's response payload comes back synchronously.
 */
export function registerCommandRoutes(app: OpenAPIHono, nc: NatsConnection, timeoutMs: number) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/commands/{action}',
      summary: 'Send a CSMS-initiated OCPP call to a connected station',
      request: {
        params: Params,
        body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
      },
      responses: {
        200: {
          description: "The station's response payload",
          content: { 'application/json': { schema: z.unknown() } },
        },
        400: problemResponse(
          'The body fails the schema of this action for this station, or a rule the owning service checks (a chargingProfile: each error names its requirement)',
        ),
        404: problemResponse('The station is not connected'),
        501: problemResponse('No service sends this action'),
        502: problemResponse('The station answered with a CALLERROR'),
        503: problemResponse(
          'The owning service, or one it must consult first (smart charging for a remote start with a chargingProfile), did not answer: nothing was sent',
        ),
        504: problemResponse('The station did not answer in time'),
      },
    }),
    async (c) => {
      const { id, action } = c.req.valid('param')
      const payload = c.req.valid('json')
      const { station } = await callRpc(nc, getStationRpc, { stationId: id })
      const version: OcppVersion | undefined = station?.protocol
        ? versionOfSubprotocol(station.protocol)
        : undefined
      if (!station?.connected || !version) return problem(c, 404, `station ${id} is not connected`)
      const info = actionInfo(version, action)
      if (!info || info.sender === 'station') {
        return problem(c, 400, `${action} is not a CSMS-initiated action of ${station.protocol}`)
      }
      const checked = validateRequest(version, action, payload)
      if (!checked.ok) {
        return problem(c, 400, checked.error.description, {
          ocppErrorCode: checked.error.code,
          ocppErrorDetails: checked.error.details,
        })
      }
      const owner = ownerOf(action)
      if (!owner) return problem(c, 501, `no service sends ${action} yet`)
      try {
        const result = await callRpc(
          nc,
          commandRpc(owner),
          { stationId: id, version, action, payload: checked.value, timeoutMs },
          { timeoutMs: timeoutMs + 2_000 },
        )
        if (result.ok) return c.json(result.payload as Record<string, unknown>, 200)
        return problem(c, 502, `station answered CALLERROR ${result.code}: ${result.description}`, {
          ocppErrorCode: result.code,
          ocppErrorDetails: result.details,
        })
      } catch (error) {
        if (isAppError(error)) return commandFailure(c, error)
        throw error
      }
    },
  )
}

function commandFailure(c: Parameters<typeof problem>[0], error: AppError) {
  switch (error.code) {
    case 'station_offline':
      return problem(c, 404, error.message)
    case 'timeout':
      return problem(c, 504, error.message)
    case 'invalid_input':
      return invalidInput(c, error)
    default:
      return problem(c, 503, error.message)
  }
}
