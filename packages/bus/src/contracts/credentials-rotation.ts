import { z } from 'zod'
import { defineRpc } from '../rpc.js'

// Rotation of a station's Basic-auth password (OCPP 2.0.1 A01): the auth service sends
// SetVariables SecurityCtrlr.BasicAuthPassword (1.6: ChangeConfiguration AuthorizationKey);
// the old password stays valid until the station confirms the new one.

export const PASSWORD_ROTATION_STATUSES = [
  /** The station accepted the new password: only the new one is valid now. */
  'confirmed',
  /** The station did not answer (offline, timeout): both passwords are valid until it does. */
  'pending',
  /** The station refused the new password: the old one stays the only one. */
  'rejected',
] as const

export const rotateStationPasswordRpc = defineRpc(
  'auth',
  'station.password.rotate',
  z.object({
    stationId: z.string().min(1).max(48),
    /** Omitted: the CSMS generates one and returns it once. */
    password: z.string().min(16).max(40).optional(),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
  }),
  z.object({
    stationId: z.string(),
    status: z.enum(PASSWORD_ROTATION_STATUSES),
    /** The generated password, when none was given. */
    password: z.string().optional(),
    /** What the station answered, or why it did not. */
    detail: z.string().optional(),
  }),
)
