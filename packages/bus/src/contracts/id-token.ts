import { z } from 'zod'
import { defineRpc } from '../rpc.js'

// Authorization of an idToken, answered by the auth service. The transaction service asks it
// for every TransactionEvent (and 1.6 StartTransaction) that carries an idToken, because the
// response must then carry idTokenInfo.

export const AUTHORIZATION_STATUSES = [
  'Accepted',
  'Blocked',
  'ConcurrentTx',
  'Expired',
  'Invalid',
  'NoCredit',
  'NotAllowedTypeEVSE',
  'NotAtThisLocation',
  'NotAtThisTime',
  'Unknown',
] as const
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number]

export const IdTokenRefSchema = z.object({ idToken: z.string().max(255), type: z.string().max(20) })
export type IdTokenRef = z.infer<typeof IdTokenRefSchema>

/** IdTokenInfoType of OCPP 2.0.1 (2.1 adds only the QRCODE message format). */
export const IdTokenInfoSchema = z.object({
  status: z.enum(AUTHORIZATION_STATUSES),
  cacheExpiryDateTime: z.string().optional(),
  chargingPriority: z.number().int().min(-9).max(9).optional(),
  language1: z.string().max(8).optional(),
  language2: z.string().max(8).optional(),
  evseId: z.array(z.number().int()).min(1).optional(),
  groupIdToken: IdTokenRefSchema.optional(),
  personalMessage: z
    .object({
      format: z.enum(['ASCII', 'HTML', 'URI', 'UTF8']),
      language: z.string().max(8).optional(),
      content: z.string().max(512),
    })
    .optional(),
})
export type IdTokenInfo = z.infer<typeof IdTokenInfoSchema>

export const AuthorizeIdTokenRequestSchema = z.object({
  idToken: z.string().max(255),
  /** The 2.0.1 / 2.1 IdTokenEnumType. A 1.6 idTag has no type: it is sent as `IdTag16`. */
  type: z.string().max(20),
  stationId: z.string(),
  evseId: z.number().int().optional(),
})
export type AuthorizeIdTokenRequest = z.infer<typeof AuthorizeIdTokenRequestSchema>

/** `svc.auth.idtoken.authorize`: the answer is the idTokenInfo to give the station. */
export const authorizeIdTokenRpc = defineRpc(
  'auth',
  'idtoken.authorize',
  AuthorizeIdTokenRequestSchema,
  IdTokenInfoSchema,
)
