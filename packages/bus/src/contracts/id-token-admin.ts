import { z } from 'zod'
import { defineRpc } from '../rpc.js'
import { AUTHORIZATION_STATUSES, IdTokenRefSchema } from './id-token.js'

// The operator's side of ID tokens, answered by the auth service: the stored tokens, the
// per-station policy for unknown tokens, and which stations carry a token in their local list.

/** The IdTokenEnumType of OCPP 2.0.1; 2.1 allows any type name up to 20 characters. */
export const ID_TOKEN_TYPES = [
  'Central',
  'eMAID',
  'ISO14443',
  'ISO15693',
  'KeyCode',
  'Local',
  'MacAddress',
  'NoAuthorization',
] as const

export const PersonalMessageSchema = z.object({
  format: z.enum(['ASCII', 'HTML', 'URI', 'UTF8']),
  language: z.string().max(8).optional(),
  content: z.string().max(512),
})

/** What an operator stores about a token; the auth service derives idTokenInfo from it. */
export const IdTokenFieldsSchema = z.object({
  status: z.enum(AUTHORIZATION_STATUSES),
  /** After this instant the token is answered `Expired` (ISO 8601 with offset). */
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  groupIdToken: IdTokenRefSchema.nullable().optional(),
  language1: z.string().max(8).nullable().optional(),
  language2: z.string().max(8).nullable().optional(),
  chargingPriority: z.number().int().min(-9).max(9).nullable().optional(),
  /** Only these EVSEs (idTokenInfo.evseId); any other is answered `NotAllowedTypeEVSE`. */
  evseIds: z.array(z.number().int().min(1)).min(1).nullable().optional(),
  /** Only at these stations; elsewhere the token is answered `NotAtThisLocation`. */
  stationIds: z.array(z.string().min(1).max(48)).min(1).nullable().optional(),
  personalMessage: PersonalMessageSchema.nullable().optional(),
  /** The stations whose local authorization list carries this token (replaces the set). */
  localListStationIds: z.array(z.string().min(1).max(48)).max(10_000).optional(),
})

export const UpsertIdTokenRequestSchema = IdTokenFieldsSchema.extend({
  idToken: z.string().min(1).max(255),
  type: z.string().min(1).max(20),
})
export type UpsertIdTokenRequest = z.infer<typeof UpsertIdTokenRequestSchema>

export const IdTokenViewSchema = z.object({
  idToken: z.string(),
  type: z.string(),
  status: z.enum(AUTHORIZATION_STATUSES),
  expiresAt: z.string().nullable(),
  groupIdToken: IdTokenRefSchema.nullable(),
  language1: z.string().nullable(),
  language2: z.string().nullable(),
  chargingPriority: z.number().int().nullable(),
  evseIds: z.array(z.number().int()).nullable(),
  stationIds: z.array(z.string()).nullable(),
  personalMessage: PersonalMessageSchema.nullable(),
  localListStationIds: z.array(z.string()),
  updatedAt: z.string(),
})
export type IdTokenView = z.infer<typeof IdTokenViewSchema>

export const upsertIdTokenRpc = defineRpc(
  'auth',
  'idtoken.upsert',
  UpsertIdTokenRequestSchema,
  z.object({ token: IdTokenViewSchema, created: z.boolean() }),
)

/** Without `type`, every token with that value (one per type). */
export const getIdTokenRpc = defineRpc(
  'auth',
  'idtoken.get',
  z.object({ idToken: z.string().min(1).max(255), type: z.string().min(1).max(20).optional() }),
  z.object({ tokens: z.array(IdTokenViewSchema) }),
)

export const listIdTokensRpc = defineRpc(
  'auth',
  'idtoken.list',
  z.object({
    limit: z.number().int().min(1).max(500),
    /** Cursor: the `next` of the previous page. */
    after: z.string().optional(),
  }),
  z.object({ tokens: z.array(IdTokenViewSchema), next: z.string().nullable() }),
)

export const deleteIdTokenRpc = defineRpc(
  'auth',
  'idtoken.delete',
  z.object({ idToken: z.string().min(1).max(255), type: z.string().min(1).max(20).optional() }),
  z.object({ deleted: z.number().int() }),
)

export const StationAuthPolicySchema = z.object({
  stationId: z.string(),
  /** null: the CSMS default (`CSMS_AUTH_ACCEPT_UNKNOWN_ID_TOKENS`) applies. */
  acceptUnknownIdTokens: z.boolean().nullable(),
  /** What the station gets now, default applied. */
  effectiveAcceptUnknownIdTokens: z.boolean(),
})
export type StationAuthPolicy = z.infer<typeof StationAuthPolicySchema>

/** Free-vend sites: a station may accept every unknown token. */
export const setStationAuthPolicyRpc = defineRpc(
  'auth',
  'station.authpolicy.set',
  z.object({ stationId: z.string().min(1).max(48), acceptUnknownIdTokens: z.boolean().nullable() }),
  StationAuthPolicySchema,
)
export const getStationAuthPolicyRpc = defineRpc(
  'auth',
  'station.authpolicy.get',
  z.object({ stationId: z.string().min(1).max(48) }),
  StationAuthPolicySchema,
)
