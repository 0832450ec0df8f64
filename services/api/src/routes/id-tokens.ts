import {
  type AppError,
  callRpc,
  deleteIdTokenRpc,
  deleteInstalledCertificateRpc,
  getCertificateAuthorityRpc,
  getIdTokenRpc,
  getLocalListRpc,
  getStationAuthPolicyRpc,
  IdTokenFieldsSchema,
  IdTokenViewSchema,
  InstalledCertificateSchema,
  installCertificateRpc,
  isAppError,
  LocalListSyncResultSchema,
  LocalListViewSchema,
  listIdTokensRpc,
  listInstalledCertificatesRpc,
  PASSWORD_ROTATION_STATUSES,
  putLocalListRpc,
  rotateStationPasswordRpc,
  StationAuthPolicySchema,
  setStationAuthPolicyRpc,
  syncLocalListRpc,
  upsertIdTokenRpc,
} from '@csms/bus'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { NatsConnection } from '@nats-io/nats-core'
import type { Context } from 'hono'
import { problem, problemResponse } from '../http/problem.js'

// The auth service's side of the operator API: ID tokens, per-station local authorization
// lists and free-vend policy, password rotation, and certificates on stations. Everything is
// answered by the auth service over NATS.

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } })

const TokenParam = z.object({
  idToken: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: 'idToken', in: 'path' }, example: '04A1B2C3D4E5F6' }),
})
const TypeQuery = z.object({
  type: z
    .string()
    .min(1)
    .max(20)
    .optional()
    .openapi({ description: 'IdTokenEnumType; needed when one value is stored under several types' }),
})
const StationParam = z.object({
  id: z
    .string()
    .min(1)
    .max(48)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'CS-0001' }),
})
const TokenPut = IdTokenFieldsSchema.extend({
  type: z.string().min(1).max(20).openapi({ example: 'ISO14443' }),
}).strict()
const RefSchema = z.object({ idToken: z.string().min(1).max(255), type: z.string().min(1).max(20) })
const RotationResult = z.object({
  stationId: z.string(),
  status: z.enum(PASSWORD_ROTATION_STATUSES),
  password: z.string().optional(),
  detail: z.string().optional(),
})
const StationAnswer = z.object({ status: z.string(), statusInfo: z.unknown().optional() })

const STATION_PROBLEMS = {
  404: problemResponse('The station is not connected'),
  502: problemResponse('The station answered with a CALLERROR'),
  504: problemResponse('The station did not answer in time'),
}

function failure(c: Context, error: AppError) {
  switch (error.code) {
    case 'invalid_input':
      return problem(c, 400, error.message)
    case 'not_found':
    case 'station_offline':
      return problem(c, 404, error.message)
    case 'station_error':
      return problem(c, 502, error.message)
    case 'timeout':
      return problem(c, 504, error.message)
    default:
      return problem(c, 503, error.message)
  }
}

/** Runs an RPC-backed handler, turning AppErrors into problem details. */
async function answer<R>(c: Context, work: () => Promise<R>): Promise<R> {
  try {
    return await work()
  } catch (error) {
    if (isAppError(error)) return failure(c, error)
    throw error
  }
}

export function registerIdTokenRoutes(app: OpenAPIHono, nc: NatsConnection, stationTimeoutMs = 30_000) {
  const slow = { timeoutMs: stationTimeoutMs + 5_000 }

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/id-tokens/{idToken}',
      summary: 'Store an ID token (status, expiry, group, language, restrictions, local lists)',
      description:
        'Hex UIDs (ISO14443: 8 or 14 hex digits, ISO15693: 16) are stored upper-case. Stations whose ' +
        'local list carries the token receive a differential SendLocalList.',
      request: { params: TokenParam, body: body(TokenPut) },
      responses: {
        200: json(IdTokenViewSchema, 'Updated'),
        201: json(IdTokenViewSchema, 'Created'),
        400: problemResponse('Invalid body, or an idToken that does not fit its type'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { idToken } = c.req.valid('param')
        const stored = await callRpc(nc, upsertIdTokenRpc, { idToken, ...c.req.valid('json') })
        return c.json(stored.token, stored.created ? 201 : 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/id-tokens/{idToken}',
      summary: 'An ID token',
      request: { params: TokenParam, query: TypeQuery },
      responses: {
        200: json(IdTokenViewSchema, 'The token'),
        404: problemResponse('Unknown token'),
        409: problemResponse('Stored under several types: name one with ?type='),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { idToken } = c.req.valid('param')
        const { type } = c.req.valid('query')
        const { tokens } = await callRpc(nc, getIdTokenRpc, { idToken, ...(type ? { type } : {}) })
        const [first] = tokens
        if (!first) return problem(c, 404, `idToken ${idToken} is not known`)
        if (tokens.length > 1) {
          return problem(
            c,
            409,
            `idToken ${idToken} is stored as ${tokens.map((t) => t.type).join(', ')}: add ?type=`,
          )
        }
        return c.json(first, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/id-tokens/{idToken}',
      summary: 'Delete an ID token (every type of that value unless ?type= names one)',
      request: { params: TokenParam, query: TypeQuery },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('Unknown token') },
    }),
    async (c) =>
      answer(c, async () => {
        const { idToken } = c.req.valid('param')
        const { type } = c.req.valid('query')
        const { deleted } = await callRpc(nc, deleteIdTokenRpc, { idToken, ...(type ? { type } : {}) })
        return deleted > 0 ? c.body(null, 204) : problem(c, 404, `idToken ${idToken} is not known`)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/id-tokens',
      summary: 'ID tokens, paged',
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: z.string().max(600).optional().openapi({ description: '`next` of the previous page' }),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(IdTokenViewSchema), next: z.string().nullable() }), 'A page'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const q = c.req.valid('query')
        const page = await callRpc(nc, listIdTokensRpc, {
          limit: q.limit,
          ...(q.after ? { after: q.after } : {}),
        })
        return c.json({ items: page.tokens, next: page.next }, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/local-list',
      summary: "A station's local authorization list: tokens, confirmed version, pending changes",
      request: { params: StationParam },
      responses: {
        200: json(LocalListViewSchema, 'The list'),
        404: problemResponse('No list for this station'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { id } = c.req.valid('param')
        const { list } = await callRpc(nc, getLocalListRpc, { stationId: id })
        return list ? c.json(list, 200) : problem(c, 404, `station ${id} has no local list`)
      }),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/stations/{id}/local-list',
      summary: "Replace a station's local list (sent to the station as a differential update)",
      request: {
        params: StationParam,
        body: body(z.object({ idTokens: z.array(RefSchema).max(100_000) }).strict()),
      },
      responses: {
        200: json(LocalListViewSchema, 'The list as stored'),
        400: problemResponse('Invalid body or unknown tokens'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { id } = c.req.valid('param')
        const { list } = await callRpc(nc, putLocalListRpc, {
          stationId: id,
          idTokens: c.req.valid('json').idTokens,
        })
        return c.json(list, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/local-list/sync',
      summary: 'Reconcile now: GetLocalListVersion, then a differential or (full: true) full update',
      request: { params: StationParam, body: body(z.object({ full: z.boolean().optional() }).strict()) },
      responses: { 200: json(LocalListSyncResultSchema, 'What was sent and how the station answered') },
    }),
    async (c) =>
      answer(c, async () => {
        const { id } = c.req.valid('param')
        const { full } = c.req.valid('json')
        const result = await callRpc(nc, syncLocalListRpc, { stationId: id, ...(full ? { full } : {}) }, slow)
        return c.json(result, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/authorization-policy',
      summary: 'Whether the station accepts unknown ID tokens (free vend)',
      request: { params: StationParam },
      responses: { 200: json(StationAuthPolicySchema, 'The policy') },
    }),
    async (c) =>
      answer(c, async () =>
        c.json(await callRpc(nc, getStationAuthPolicyRpc, { stationId: c.req.valid('param').id }), 200),
      ),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/stations/{id}/authorization-policy',
      summary: 'Set the free-vend policy of a station (null: the CSMS default)',
      request: {
        params: StationParam,
        body: body(z.object({ acceptUnknownIdTokens: z.boolean().nullable() }).strict()),
      },
      responses: { 200: json(StationAuthPolicySchema, 'The policy') },
    }),
    async (c) =>
      answer(c, async () => {
        const policy = await callRpc(nc, setStationAuthPolicyRpc, {
          stationId: c.req.valid('param').id,
          acceptUnknownIdTokens: c.req.valid('json').acceptUnknownIdTokens,
        })
        return c.json(policy, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/password-rotation',
      summary: "Rotate a station's Basic-auth password through SetVariables (A01)",
      description:
        'Without a password one is generated and returned once. The old password stays valid until ' +
        'the station confirms the new one (status `pending` while it has not answered).',
      request: {
        params: StationParam,
        body: body(z.object({ password: z.string().min(16).max(40).optional() }).strict()),
      },
      responses: {
        200: json(RotationResult, 'confirmed, pending or rejected'),
        400: problemResponse('The station uses client certificates'),
        404: problemResponse('The station is not registered or has never connected'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { password } = c.req.valid('json')
        const rotated = await callRpc(
          nc,
          rotateStationPasswordRpc,
          {
            stationId: c.req.valid('param').id,
            timeoutMs: stationTimeoutMs,
            ...(password ? { password } : {}),
          },
          slow,
        )
        return c.json(rotated, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stations/{id}/certificates',
      summary: 'Certificates installed on a station (GetInstalledCertificateIds)',
      request: {
        params: StationParam,
        query: z.object({
          type: z.string().max(400).optional().openapi({ description: 'Comma-separated types' }),
        }),
      },
      responses: {
        200: json(
          z.object({ status: z.string(), certificates: z.array(InstalledCertificateSchema) }),
          'As reported',
        ),
        400: problemResponse("A type the station's OCPP version does not know"),
        ...STATION_PROBLEMS,
      },
    }),
    async (c) =>
      answer(c, async () => {
        const types = c.req.valid('query').type?.split(',').filter(Boolean)
        const listed = await callRpc(
          nc,
          listInstalledCertificatesRpc,
          { stationId: c.req.valid('param').id, ...(types?.length ? { certificateTypes: types } : {}) },
          slow,
        )
        return c.json(listed, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/stations/{id}/certificates',
      summary: 'Install a root certificate on a station (InstallCertificate)',
      request: {
        params: StationParam,
        body: body(
          z
            .object({
              certificateType: z.string().min(1).max(40).openapi({ example: 'V2GRootCertificate' }),
              certificate: z.string().min(1).max(10_000).openapi({ description: 'PEM' }),
            })
            .strict(),
        ),
      },
      responses: {
        200: json(StationAnswer, "The station's answer"),
        400: problemResponse("Not one PEM certificate, or a type the station's OCPP version does not know"),
        ...STATION_PROBLEMS,
      },
    }),
    async (c) =>
      answer(c, async () => {
        const req = c.req.valid('json')
        const installed = await callRpc(
          nc,
          installCertificateRpc,
          { stationId: c.req.valid('param').id, ...req },
          slow,
        )
        return c.json(installed, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/stations/{id}/certificates/{serialNumber}',
      summary: 'Delete a certificate from a station by serial number (as listed before)',
      request: {
        params: StationParam.extend({
          serialNumber: z
            .string()
            .regex(/^[0-9A-Fa-f]{1,40}$/)
            .openapi({ param: { name: 'serialNumber', in: 'path' } }),
        }),
      },
      responses: {
        200: json(StationAnswer, "The station's answer"),
        ...STATION_PROBLEMS,
        404: problemResponse('Not listed for this station, or the station is not connected'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { id, serialNumber } = c.req.valid('param')
        const deleted = await callRpc(
          nc,
          deleteInstalledCertificateRpc,
          { stationId: id, serialNumber },
          slow,
        )
        return c.json(deleted, 200)
      }),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/certificate-authority',
      summary: 'The CSMS CA certificate that signs station certificates (PEM)',
      responses: {
        200: json(z.object({ certificate: z.string() }), 'The CA certificate'),
        404: problemResponse('No CA configured'),
      },
    }),
    async (c) =>
      answer(c, async () => {
        const { certificate } = await callRpc(nc, getCertificateAuthorityRpc, {})
        return certificate
          ? c.json({ certificate }, 200)
          : problem(c, 404, 'no CSMS certificate authority is configured')
      }),
  )
}
