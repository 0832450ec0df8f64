import {
  decodeJson,
  encodeJson,
  getStationRpc,
  listStationsRpc,
  ocppOutPattern,
  type StationView,
  serveRpc,
} from '@csms/bus'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'

// Test doubles at the NATS boundary: stations behind a gateway (they answer ocpp.out.<id>.*)
// and device management's station registry (svc.device-management.station.get/list).

export type ReceivedCall = {
  stationId: string
  action: string
  payload: Record<string, unknown>
  at: number
  answeredAt?: number
}

export type FakeStations = {
  calls: ReceivedCall[]
  /** The latest TxProfile limit per `${station}/${evse}` (A for AC, W for DC) the stations accepted. */
  limits: Map<string, { limit: number; unit: string; at: number }>
  answer: (stationId: string, action: string, payload: Record<string, unknown>) => unknown
  delayMs: number
  stop(): void
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>
}

export function startFakeStations(nc: NatsConnection, stationIds: readonly string[]): FakeStations {
  const subs: Subscription[] = []
  const fake: FakeStations = {
    calls: [],
    limits: new Map(),
    delayMs: 0,
    answer: (_stationId, action) => {
      if (action === 'GetCompositeSchedule') return { status: 'Rejected' }
      return { status: 'Accepted' }
    },
    stop: () => {
      for (const s of subs) s.unsubscribe()
    },
    async waitFor(predicate, timeoutMs = 15_000, what = 'condition') {
      const end = Date.now() + timeoutMs
      for (;;) {
        const v = predicate()
        if (v) return v
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
  }
  for (const stationId of stationIds) {
    subs.push(
      nc.subscribe(ocppOutPattern(stationId), {
        callback: (err, msg) => {
          if (err) return
          const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
          const payload = decodeJson(msg.data) as Record<string, unknown>
          const call: ReceivedCall = { stationId, action, payload, at: Date.now() }
          fake.calls.push(call)
          setTimeout(() => {
            const reply = fake.answer(stationId, action, payload) as { status?: string }
            if (action === 'SetChargingProfile' && reply.status === 'Accepted') {
              const p = payload.chargingProfile as {
                chargingProfilePurpose: string
                chargingSchedule: Array<{
                  chargingRateUnit: string
                  chargingSchedulePeriod: Array<{ limit: number }>
                }>
              }
              const s = p.chargingSchedule[0]
              if (p.chargingProfilePurpose === 'TxProfile' && s) {
                fake.limits.set(`${stationId}/${payload.evseId}`, {
                  limit: s.chargingSchedulePeriod[0]?.limit ?? 0,
                  unit: s.chargingRateUnit,
                  at: Date.now(),
                })
              }
            }
            call.answeredAt = Date.now()
            msg.respond(encodeJson(reply))
          }, fake.delayMs)
        },
      }),
    )
  }
  return fake
}

export function aStationView(id: string, o: Partial<StationView> = {}): StationView {
  return {
    id,
    registered: true,
    connected: true,
    protocol: 'ocpp2.0.1',
    lastBootAt: null,
    registrationStatus: 'Accepted',
    registrationPolicy: null,
    vendor: 'Acme',
    model: 'AC',
    firmwareVersion: null,
    serialNumber: null,
    siteId: null,
    labels: {},
    lastSeenAt: null,
    evses: [
      { evseId: 1, connectors: [] },
      { evseId: 2, connectors: [] },
    ],
    ...o,
  }
}

/** Device management's registry, as far as smart charging asks it. */
export function serveFakeRegistry(nc: NatsConnection, stations: Map<string, StationView>): Subscription[] {
  return [
    serveRpc(nc, getStationRpc, async ({ stationId }) => ({ station: stations.get(stationId) ?? null }), {
      queue: 'device-management',
    }),
    serveRpc(
      nc,
      listStationsRpc,
      async (q) => ({
        stations: [...stations.values()].filter((s) => q.siteId === undefined || s.siteId === q.siteId),
        next: null,
      }),
      { queue: 'device-management' },
    ),
  ]
}
