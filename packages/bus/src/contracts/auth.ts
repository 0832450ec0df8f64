import { z } from 'zod'
import { defineRpc } from '../rpc.js'

/** 0: none presented; 1: Basic over ws; 2: Basic over TLS; 3: client certificate (mTLS). */
export const SecurityProfileSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)])
export type SecurityProfile = z.infer<typeof SecurityProfileSchema>

export const AuthenticateStationRequestSchema = z.object({
  stationId: z.string(),
  /** The Basic-auth password, when the station sent one. */
  password: z.string().optional(),
  /** The profile the connection actually offers. */
  presentedProfile: SecurityProfileSchema,
  remoteAddress: z.string().optional(),
})
export type AuthenticateStationRequest = z.infer<typeof AuthenticateStationRequestSchema>

export const REFUSAL_REASONS = [
  'unknown_station',
  'bad_password',
  'missing_password',
  'weaker_profile',
] as const
export const AuthenticateStationResponseSchema = z.discriminatedUnion('accepted', [
  z.object({ accepted: z.literal(true), registered: z.boolean(), requiredProfile: SecurityProfileSchema }),
  z.object({ accepted: z.literal(false), reason: z.enum(REFUSAL_REASONS) }),
])
export type AuthenticateStationResponse = z.infer<typeof AuthenticateStationResponseSchema>

export const authenticateStationRpc = defineRpc(
  'auth',
  'station.authenticate',
  AuthenticateStationRequestSchema,
  AuthenticateStationResponseSchema,
)

export const UpsertStationCredentialsRequestSchema = z.object({
  stationId: z.string(),
  password: z.string().min(16).max(40).optional(),
  securityProfile: SecurityProfileSchema.optional(),
})
export const UpsertStationCredentialsResponseSchema = z.object({
  stationId: z.string(),
  securityProfile: SecurityProfileSchema,
  hasPassword: z.boolean(),
})
export const upsertStationCredentialsRpc = defineRpc(
  'auth',
  'station.upsert',
  UpsertStationCredentialsRequestSchema,
  UpsertStationCredentialsResponseSchema,
)

export const DeleteStationCredentialsRequestSchema = z.object({ stationId: z.string() })
export const deleteStationCredentialsRpc = defineRpc(
  'auth',
  'station.delete',
  DeleteStationCredentialsRequestSchema,
  z.object({ deleted: z.boolean() }),
)
