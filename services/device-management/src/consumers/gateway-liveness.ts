import { decodeJson, GATEWAY_HEARTBEAT_SUBJECT, GatewayHeartbeatSchema } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import type { StationRepo } from '../repo/station-repo.js'

/**
 * A gateway pod killed without goodbye sends no "disconnected" facts. Every pod beacons on
 * gw.heartbeat; when a pod's beacon is overdue its stations are marked offline. Stations whose
 * pod was never heard since this process started are checked after one full TTL.
 */
export function watchGatewayLiveness(deps: {
  nc: NatsConnection
  repo: StationRepo
  logger: Logger
  defaultTtlMs: number
  listGatewaysWithStations: () => Promise<string[]>
}): { stop(): void } {
  const deadlines = new Map<string, number>()
  const startedAt = Date.now()
  const sub = deps.nc.subscribe(GATEWAY_HEARTBEAT_SUBJECT, {
    callback: (err, msg) => {
      if (err) return
      const beat = GatewayHeartbeatSchema.safeParse(decodeJson(msg.data))
      if (beat.success) deadlines.set(beat.data.gatewayId, Date.now() + beat.data.ttlMs)
    },
  })
  const timer = setInterval(() => void sweep(), Math.max(250, Math.floor(deps.defaultTtlMs / 4)))

  async function sweep(): Promise<void> {
    const now = Date.now()
    try {
      for (const [gatewayId, deadline] of deadlines) {
        if (deadline > now) continue
        deadlines.delete(gatewayId)
        await lost(gatewayId)
      }
      if (now - startedAt < deps.defaultTtlMs) return
      for (const gatewayId of await deps.listGatewaysWithStations()) {
        if (!deadlines.has(gatewayId)) await lost(gatewayId)
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'gateway liveness sweep failed')
    }
  }

  async function lost(gatewayId: string): Promise<void> {
    const count = await deps.repo.markGatewayLost(gatewayId, new Date())
    if (count > 0)
      deps.logger.warn({ gatewayId, stations: count }, 'gateway silent: its stations marked offline')
  }

  return {
    stop() {
      clearInterval(timer)
      sub.unsubscribe()
    },
  }
}
