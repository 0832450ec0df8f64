import { AppError, decodeJson, encodeJson, getStationRpc, HEADER, listStationsRpc } from '@csms/bus'
import { type OcppVersion, versionOfSubprotocol } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import { z } from 'zod'

// Which site a station belongs to is device management's to say (PUT /v1/stations/{id}); this
// caches its answers instead of reading its tables. Only the fields used here are read, leniently,
// so device management's view of a station can grow without breaking smart charging.

const StationFieldsSchema = z.looseObject({
  id: z.string(),
  siteId: z.string().nullable().optional(),
  protocol: z.string().nullable().optional(),
  connected: z.boolean().optional(),
  evses: z.array(z.looseObject({ evseId: z.number().int() })).optional(),
})
const GetReplySchema = z.looseObject({ station: StationFieldsSchema.nullable() })
const ListReplySchema = z.looseObject({ stations: z.array(StationFieldsSchema), next: z.string().nullable() })

async function request<T>(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const msg = await nc.request(subject, encodeJson(body), { timeout: 3_000 })
  const code = msg.headers?.get(HEADER.errorCode)
  if (code)
    throw new AppError('unavailable', `${subject}: ${msg.headers?.get(HEADER.errorDescription) ?? code}`)
  return schema.parse(decodeJson(msg.data))
}

export type StationInfo = {
  siteId: string | null
  version: OcppVersion | undefined
  connected: boolean
  evseIds: number[]
}

export type StationDirectory = {
  /** Undefined when device management cannot be asked right now. */
  get(stationId: string): Promise<StationInfo | undefined>
  invalidate(stationId?: string): void
  /** Station ids of a site, as device management lists them. */
  listSite(siteId: string): Promise<string[]>
}

export function createStationDirectory(deps: {
  nc: NatsConnection
  ttlMs: number
  logger: Logger
}): StationDirectory {
  const cache = new Map<
    string,
    { at: number; info: StationInfo | undefined; pending?: Promise<StationInfo | undefined> }
  >()
  async function fetch(stationId: string): Promise<StationInfo | undefined> {
    try {
      const { station } = await request(deps.nc, getStationRpc.subject, { stationId }, GetReplySchema)
      return {
        siteId: station?.siteId ?? null,
        version: station?.protocol ? versionOfSubprotocol(station.protocol) : undefined,
        connected: station?.connected ?? false,
        evseIds: station?.evses?.map((e) => e.evseId).filter((id) => id > 0) ?? [],
      }
    } catch (error) {
      deps.logger.warn({ err: error, stationId }, 'device management did not say where the station is')
      return undefined
    }
  }
  return {
    async get(stationId) {
      const hit = cache.get(stationId)
      const now = Date.now()
      if (hit?.pending) return hit.pending
      // Failures are retried soon; answers are kept for the TTL.
      if (hit && now - hit.at < (hit.info ? deps.ttlMs : 2_000)) return hit.info
      const pending = fetch(stationId)
      cache.set(stationId, { at: now, info: hit?.info, pending })
      const info = await pending
      cache.set(stationId, { at: Date.now(), info })
      return info
    },
    invalidate(stationId) {
      if (stationId === undefined) cache.clear()
      else cache.delete(stationId)
    },
    async listSite(siteId) {
      const out: string[] = []
      let after: string | undefined
      for (;;) {
        const page = await request(
          deps.nc,
          listStationsRpc.subject,
          { limit: 500, siteId, ...(after === undefined ? {} : { after }) },
          ListReplySchema,
        )
        out.push(...page.stations.map((s) => s.id))
        if (page.next === null) return out
        after = page.next
      }
    },
  }
}
