import { z } from 'zod'
import { defineRpc } from '../rpc.js'

export const ConnectorViewSchema = z.object({
  connectorId: z.number().int(),
  status: z.string(),
  updatedAt: z.string(),
})
export const EvseViewSchema = z.object({ evseId: z.number().int(), connectors: z.array(ConnectorViewSchema) })

export const StationViewSchema = z.object({
  id: z.string(),
  registered: z.boolean(),
  connected: z.boolean(),
  protocol: z.string().nullable(),
  lastBootAt: z.string().nullable(),
  registrationStatus: z.string().nullable(),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  serialNumber: z.string().nullable(),
  siteId: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  lastSeenAt: z.string().nullable(),
  evses: z.array(EvseViewSchema),
})
export type StationView = z.infer<typeof StationViewSchema>

export const getStationRpc = defineRpc(
  'device-management',
  'station.get',
  z.object({ stationId: z.string() }),
  z.object({ station: StationViewSchema.nullable() }),
)

export const listStationsRpc = defineRpc(
  'device-management',
  'station.list',
  z.object({
    limit: z.number().int().min(1).max(500),
    after: z.string().optional(),
    connected: z.boolean().optional(),
    siteId: z.string().optional(),
  }),
  z.object({ stations: z.array(StationViewSchema), next: z.string().nullable() }),
)

export const upsertStationRpc = defineRpc(
  'device-management',
  'station.upsert',
  z.object({
    stationId: z.string(),
    siteId: z.string().nullable().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ station: StationViewSchema }),
)
