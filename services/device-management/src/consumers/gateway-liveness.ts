import { decodeJson, GATEWAY_HEARTBEAT_SUBJECT, GatewayHeartbeatSchema } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'
import { createLivenessBook } from '../domain/gateway-liveness-book.js'
import type { StationRepo } from '../repo/station-repo.js'

/**
 * A gateway pod killed without goodbye sends no "disconnected" facts. Every pod beacons on
 * gw.heartbeat; when a pod's beacon is overdue its stations are marked offline. Stations whose
 * pod was never heard since this process started are checked after one full TTL. Silence is
 * not judged while this process's own NATS link is down (see gateway-liveness-book.ts).
 */
export function watchGatewayLiveness(deps: {
  nc: NatsConnection
  repo: Pick<StationRepo, 'markGatewayLost'>
  logger: Logger
  defaultTtlMs: number
  listGatewaysWithStations: () => Promise<string[]>
}): { stop(): void } {
  const sweepMs = Math.max(250, Math.floor(deps.defaultTtlMs / 4))
  const book = createLivenessBook({ defaultTtlMs: deps.defaultTtlMs, sweepMs, now: Date.now() })
  const sub = deps.nc.subscribe(GATEWAY_HEARTBEAT_SUBJECT, {
    callback: (err, msg) => {
      if (err) return
      const beat = GatewayHeartbeatSchema.safeParse(decodeJson(msg.data))
      if (beat.success) book.beat(beat.data.gatewayId, beat.data.ttlMs, Date.now())
    },
  })
  let stopped = false
  void (async () => {
    for await (const s of deps.nc.status()) {
      if (stopped) break
      if (s.type === 'disconnect') book.linkLost()
      else if (s.type === 'reconnect') book.linkRestored(Date.now())
    }
  })().catch((error: unknown) => deps.logger.warn({ err: error }, 'NATS status watch ended'))
  const timer = setInterval(() => void sweep(), sweepMs)

  async function sweep(): Promise<void> {
    try {
      const { lost, judgeUnheard } = book.sweep(Date.now())
      for (const gatewayId of lost) await markLost(gatewayId)
      if (!judgeUnheard) return
      for (const gatewayId of await deps.listGatewaysWithStations()) {
        if (!book.isHeard(gatewayId)) await markLost(gatewayId)
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'gateway liveness sweep failed')
    }
  }

  async function markLost(gatewayId: string): Promise<void> {
    const count = await deps.repo.markGatewayLost(gatewayId, new Date())
    if (count > 0)
      deps.logger.warn({ gatewayId, stations: count }, 'gateway silent: its stations marked offline')
  }

  return {
    stop() {
      stopped = true
      clearInterval(timer)
      sub.unsubscribe()
    },
  }
}
