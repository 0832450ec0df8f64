import { z } from 'zod'

// Facts the gateway publishes about sockets; device-management keeps the online flag from them.
export const StationConnectedSchema = z.object({
  stationId: z.string(),
  connectionId: z.string(),
  gatewayId: z.string(),
  protocol: z.string(),
  remoteAddress: z.string(),
  at: z.string(),
})
export type StationConnected = z.infer<typeof StationConnectedSchema>

export const StationDisconnectedSchema = z.object({
  stationId: z.string(),
  connectionId: z.string(),
  gatewayId: z.string(),
  code: z.number().int(),
  reason: z.string(),
  at: z.string(),
})
export type StationDisconnected = z.infer<typeof StationDisconnectedSchema>

export const GatewayHeartbeatSchema = z.object({
  gatewayId: z.string(),
  at: z.string(),
  connections: z.number().int(),
  /** How long until this beacon counts as lost, so stations of a silent pod go offline. */
  ttlMs: z.number().int(),
})
export type GatewayHeartbeat = z.infer<typeof GatewayHeartbeatSchema>
