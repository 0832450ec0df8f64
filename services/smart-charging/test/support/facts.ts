import { eventSubject, publishEvent } from '@csms/bus'
import type { JetStreamClient } from '@nats-io/jetstream'

// Builders for the facts other services publish, as smart charging consumes them.

let seq = 0

export function aTransactionFact(o: {
  stationId: string
  evseId: number
  transactionId: string
  eventType?: 'Started' | 'Updated' | 'Ended'
  chargingState?: string
  energyWh?: number
  powerW?: number
  idToken?: string
  groupIdToken?: string
}) {
  const eventType = o.eventType ?? 'Started'
  const now = new Date().toISOString()
  return {
    id: `csms-${o.stationId}-${o.transactionId}`,
    transactionId: o.transactionId,
    stationId: o.stationId,
    evseId: o.evseId,
    connectorId: 1,
    eventType,
    state: eventType === 'Ended' ? 'ended' : 'active',
    seqNo: seq++,
    triggerReason: 'CablePluggedIn',
    chargingState: o.chargingState ?? 'Charging',
    at: now,
    startedAt: now,
    endedAt: eventType === 'Ended' ? now : null,
    energyWh: o.energyWh ?? 0,
    idToken: o.idToken ?? null,
    remoteStartId: null,
    offline: false,
    totalCost: null,
    currency: null,
    meter: o.powerW === undefined ? {} : { powerActiveImportW: o.powerW },
    ...(o.groupIdToken === undefined ? {} : { groupIdToken: { idToken: o.groupIdToken, type: 'Central' } }),
  }
}

export async function publishTransaction(
  js: JetStreamClient,
  fact: ReturnType<typeof aTransactionFact>,
): Promise<void> {
  const kind = fact.eventType.toLowerCase()
  await publishEvent(js, eventSubject('transaction', kind, fact.stationId), {
    type: `transaction.${kind}`,
    stationId: fact.stationId,
    time: fact.at,
    data: fact,
  })
}

export async function publishConnected(js: JetStreamClient, stationId: string): Promise<void> {
  await publishEvent(js, eventSubject('station', 'connected', stationId), {
    type: 'station.connected',
    stationId,
    time: new Date().toISOString(),
    data: {
      stationId,
      connectionId: `c-${seq++}`,
      gatewayId: 'gw-test',
      protocol: 'ocpp2.0.1',
      remoteAddress: '127.0.0.1',
      at: new Date().toISOString(),
    },
  })
}

/** Device management's fact: the operator put the station in another site (or none). */
export async function publishSiteFact(
  js: JetStreamClient,
  stationId: string,
  siteId: string | null,
  previousSiteId: string | null,
): Promise<void> {
  await publishEvent(js, eventSubject('device', 'site', stationId), {
    type: 'device.site',
    stationId,
    time: new Date().toISOString(),
    data: { stationId, siteId, previousSiteId },
  })
}
